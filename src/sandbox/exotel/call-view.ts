import { formatIst } from "../../lib/ist-time.js";
import type { StoredCall } from "./call-seed.js";

/** Where a call is in its life at a given moment (exotel.md §5, §9 points 6–7). */
export type CallPhase = "in-progress" | "ended" | "settled";

export function phaseOf(call: StoredCall, now: number): CallPhase {
  if (call.inProgressUntil !== null && now < call.inProgressUntil) return "in-progress";
  return now < call.settlesAt ? "ended" : "settled";
}

export interface ViewOptions {
  now: number;
  accountSid: string;
  /** Duration and Price as `"233"`/`"1.500"` (the docs) instead of numbers (real captures). */
  numbersAsStrings: boolean;
  details: boolean;
  /** Bulk rows also carry `PhoneNumber` (seen in bulk rows only). */
  bulkRow: boolean;
  recordingUrl: (call: StoredCall) => string;
  /** A signed recording URL, when the request or the account asks for one. */
  presignedUrl: ((call: StoredCall) => string) | null;
}

function number(value: number, asString: boolean, decimals: number): number | string {
  return asString ? value.toFixed(decimals) : value;
}

/** The `To` Exotel reports: an inbound call shows the ExoPhone until it settles, then the agent who took it. */
export function reportedTo(call: StoredCall, phase: CallPhase): string {
  if (call.direction !== "inbound") return call.to;
  return phase === "settled" ? (call.settledTo ?? call.to) : call.exoPhone;
}

export function reportedStatus(call: StoredCall, phase: CallPhase): string {
  return phase === "in-progress" ? "in-progress" : call.status;
}

/** Duration once settled, else null: what the `Duration` filter sees. */
export function reportedDuration(call: StoredCall, phase: CallPhase): number | null {
  return phase === "settled" ? call.durationSeconds : null;
}

export function reportedPrice(call: StoredCall, phase: CallPhase): number | null {
  return phase === "settled" ? call.price : null;
}

function dateUpdated(call: StoredCall, phase: CallPhase): Date {
  if (phase === "settled") return new Date(call.settlesAt);
  if (phase === "ended") return new Date(call.inProgressUntil ?? call.startedAt.getTime() + call.durationSeconds * 1000);
  return call.startedAt;
}

function details(call: StoredCall, phase: CallPhase, empty: "" | null) {
  if (phase === "in-progress") {
    return { ConversationDuration: null, Leg1Status: "in-progress", Leg2Status: empty, Legs: [] };
  }
  const settled = phase === "settled";
  const legs = settled
    ? [
        { Leg: { Id: 1, OnCallDuration: call.durationSeconds } },
        ...(call.leg2Status === "" ? [] : [{ Leg: { Id: 2, OnCallDuration: call.conversationSeconds } }]),
      ]
    : [];
  return {
    ConversationDuration: settled ? call.conversationSeconds : null,
    Leg1Status: call.leg1Status,
    Leg2Status: call.leg2Status === "" ? empty : call.leg2Status,
    Legs: legs,
  };
}

/** One call record as the API answers it, keys in Exotel's order (exotel.md §3–4). */
export function viewCall(call: StoredCall, options: ViewOptions): Record<string, unknown> {
  const phase = phaseOf(call, options.now);
  const settled = phase === "settled";
  const empty = call.emptyAs;
  const hasRecording = settled && call.recording !== null;
  const duration = reportedDuration(call, phase);
  const price = reportedPrice(call, phase);
  const view: Record<string, unknown> = {
    Sid: call.sid,
    ParentCallSid: empty,
    DateCreated: formatIst(call.startedAt),
    DateUpdated: formatIst(dateUpdated(call, phase)),
    AccountSid: options.accountSid,
    To: reportedTo(call, phase),
    From: call.from,
    PhoneNumberSid: call.exoPhone,
    ...(options.bulkRow ? { PhoneNumber: call.exoPhone } : {}),
    Status: reportedStatus(call, phase),
    StartTime: formatIst(call.startedAt),
    EndTime: settled ? formatIst(new Date(call.startedAt.getTime() + call.durationSeconds * 1000)) : null,
    Duration: duration === null ? null : number(duration, options.numbersAsStrings, 0),
    Price: price === null ? null : number(price, options.numbersAsStrings, 3),
    Direction: call.direction,
    AnsweredBy: null,
    ForwardedFrom: empty,
    CallerName: empty,
    Uri: `/v1/Accounts/${options.accountSid}/Calls/${call.sid}`,
    RecordingUrl: hasRecording ? options.recordingUrl(call) : empty,
  };
  if (hasRecording && options.presignedUrl) view["PreSignedRecordingUrl"] = options.presignedUrl(call);
  if (options.details) view["Details"] = details(call, phase, empty);
  return view;
}
