import type { SandboxRequest, SandboxResponse } from "../core/http-service.js";
import type { StoredCall } from "./call-seed.js";
import { phaseOf, reportedDuration, reportedPrice, reportedStatus, reportedTo, viewCall, type CallPhase, type ViewOptions } from "./call-view.js";
import { inRange, numberKey, parseDetails, parseListQuery, parseRecordingUrlValidity, type ListQuery } from "./list-query.js";
import { pageUri, takePage } from "./paging.js";
import { answer, MESSAGES, restException, type WireFormat } from "./wire.js";

export interface ApiContext {
  accountSid: string;
  numbersAsStrings: boolean;
  /** The account has signed recording URLs turned on. */
  presignedByDefault: boolean;
  calls: () => Iterable<StoredCall>;
  findCall: (sid: string) => StoredCall | undefined;
  recordingUrl: (call: StoredCall) => string;
  presignedUrl: (call: StoredCall, now: number, minutes: number) => string;
}

/** Signed URLs live 5 minutes unless the request says otherwise (exotel.md §5). */
const DEFAULT_SIGNED_MINUTES = 5;

function viewOptions(context: ApiContext, now: number, params: URLSearchParams, validity: number | null, bulkRow: boolean): ViewOptions {
  const minutes = validity ?? (context.presignedByDefault ? DEFAULT_SIGNED_MINUTES : null);
  return {
    now,
    accountSid: context.accountSid,
    numbersAsStrings: context.numbersAsStrings,
    details: parseDetails(params),
    bulkRow,
    recordingUrl: context.recordingUrl,
    presignedUrl: minutes === null ? null : (call) => context.presignedUrl(call, now, minutes),
  };
}

function matches(call: StoredCall, phase: CallPhase, epoch: number, q: ListQuery): boolean {
  if (epoch < q.fromEpoch || epoch > q.toEpoch) return false;
  if (q.sids && !q.sids.has(call.sid)) return false;
  if (q.to && !q.to.includes(numberKey(reportedTo(call, phase)))) return false;
  if (q.from && !q.from.includes(numberKey(call.from))) return false;
  if (q.phoneNumbers && !q.phoneNumbers.includes(numberKey(call.exoPhone))) return false;
  if (q.statuses && !q.statuses.has(reportedStatus(call, phase))) return false;
  if (q.directions && !q.directions.has(call.direction)) return false;
  if (!inRange(reportedDuration(call, phase), q.duration)) return false;
  if (!inRange(reportedPrice(call, phase), q.price)) return false;
  return true;
}

/** `GET /v1/Accounts/{sid}/Calls.json`: finished calls only, filtered, keyset-paged (exotel.md §2, §9). */
export function listCalls(request: SandboxRequest, format: WireFormat, now: number, context: ApiContext): SandboxResponse {
  const parsed = parseListQuery(request.query, now);
  if (!parsed.ok) return restException(400, parsed.message, format);
  const validity = parseRecordingUrlValidity(request.query);
  if (!validity.ok) return restException(400, validity.message, format);
  const q = parsed.value;

  const rows: { call: StoredCall; epoch: number; sid: string }[] = [];
  for (const call of context.calls()) {
    const phase = phaseOf(call, now);
    if (phase === "in-progress") continue;
    const epoch = Math.floor(call.startedAt.getTime() / 1000);
    if (matches(call, phase, epoch, q)) rows.push({ call, epoch, sid: call.sid });
  }
  const page = takePage(rows, { order: q.order, pageSize: q.pageSize, cursor: q.cursor });
  const path = request.path;
  const view = viewOptions(context, now, request.query, validity.value, true);
  return answer(format, 200, {
    Metadata: {
      Total: rows.length,
      PageSize: q.pageSize,
      FirstPageUri: pageUri(path, request.query, q.pageSize, null),
      PrevPageUri: page.prev ? pageUri(path, request.query, q.pageSize, { name: "Before", key: page.prev }) : null,
      NextPageUri: page.next ? pageUri(path, request.query, q.pageSize, { name: "After", key: page.next }) : null,
    },
    Calls: page.rows.map((row) => viewCall(row.call, view)),
  });
}

/** `GET /v1/Accounts/{sid}/Calls/{CallSid}.json`: any call, live ones included (exotel.md §4). */
export function readCall(callSid: string, request: SandboxRequest, format: WireFormat, now: number, context: ApiContext): SandboxResponse {
  const validity = parseRecordingUrlValidity(request.query);
  if (!validity.ok) return restException(400, validity.message, format);
  const call = context.findCall(callSid);
  if (!call) return restException(404, MESSAGES.notFound, format);
  return answer(format, 200, { Call: viewCall(call, viewOptions(context, now, request.query, validity.value, false)) });
}
