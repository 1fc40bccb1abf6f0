import { EmulatedService, type SandboxRequest, type SandboxResponse } from "../core/http-service.js";
import type { FaultMatch } from "../core/faults.js";
import { storeCall, type CallSeed, type EmptyValues, type StoredCall } from "./call-seed.js";
import { phaseOf } from "./call-view.js";
import { listCalls, readCall, type ApiContext } from "./calls-api.js";
import { RECORDING_PATH, recordingPath, serveRecording } from "./recordings.js";
import { SlidingWindow } from "./rate-window.js";
import { isSignedRequest, RecordingSigner } from "./signed-urls.js";
import { makeCallSid } from "./sids.js";
import { MESSAGES, restException, type WireFormat } from "./wire.js";

/** Credentials the sandbox accepts unless told otherwise (48 lowercase hex characters, like real ones). */
export const SANDBOX_EXOTEL_ACCOUNT_SID = "sandbox1";
export const SANDBOX_EXOTEL_API_KEY = "23609792d25d3593d04074dc4458bf48bdc06f7744ec76d2";
export const SANDBOX_EXOTEL_API_TOKEN = "e7124bec2baa1911939e80f8b70a71cdd7f26bd363218989";

/** Exotel's own figure: fields settle about five minutes after a call (exotel.md §5). */
export const DEFAULT_SETTLE_DELAY_MS = 5 * 60_000;

export interface ExotelEmulatorOptions {
  accountSid?: string;
  apiKey?: string;
  apiToken?: string;
  now?: () => number;
  /** How long after a call ends its Duration, Price, recording and agent fill in; default 5 min. Seeds may override. */
  settleDelayMs?: number;
  /** Duration and Price as strings (`"233"`, `"1.500"`, as the docs show) instead of numbers (as real captures show). */
  numbersAsStrings?: boolean;
  /** How empty fields are spelled; default "mixed" (per call, both spellings in one list). */
  emptyValues?: EmptyValues;
  /** API requests allowed per sliding minute before 429; default 200. Recording downloads are not counted. */
  rateLimitPerMinute?: number;
  /** Extra wait before each recording is answered, in ms. */
  recordingLatencyMs?: number;
  /** Recording requests with credentials answer 302 to a presigned URL of the same recording. */
  redirectRecordings?: boolean;
  /** Extra wait before every request, in ms. */
  latencyMs?: number;
  /**
   * The account has signed recording URLs enabled: every settled recording also gets a
   * `PreSignedRecordingUrl` (5 minutes unless `RecordingUrlValidity` says otherwise). Without it,
   * only requests that pass `RecordingUrlValidity` get one.
   */
  presignedRecordingUrls?: boolean;
}

export interface AddedCall {
  sid: string;
  /** Path of the recording on the emulator, or null when the call has none. */
  recordingPath: string | null;
  /** `${service.url}${recordingPath}`: what `RecordingUrl` will say once the call settles. Needs a started service. */
  readonly recordingUrl: string | null;
}

export interface RecordingDownload {
  /** The service's request number. */
  id: number;
  /** File name without `.mp3`: the call SID. */
  sid: string;
  signed: boolean;
  status: number | null;
}

export interface ExotelEmulator {
  service: EmulatedService;
  accountSid: string;
  apiKey: string;
  apiToken: string;
  /** `Basic base64(key:token)`, as a client sends it. */
  authorization: string;
  /** Every call by SID. Fields of a stored call may be changed; the API reflects changes at once. */
  calls: Map<string, StoredCall>;
  addCall(seed: CallSeed): AddedCall;
  get(sid: string): StoredCall | undefined;
  removeCall(sid: string): boolean;
  /** Makes the call settled from now on (its fields fill in, its recording becomes downloadable). */
  settle(sid: string): void;
  /** The call's `RecordingUrl` once settled, or null when it has no recording. */
  recordingUrl(sid: string): string | null;
  /** Changes the per-minute budget and forgets the requests counted so far. */
  setRateLimit(perMinute: number): void;
  recordingLatencyMs: number;
  /**
   * Recording requests with credentials answer 302 with a Location to a presigned URL of the same
   * recording (5 minutes), which serves the audio without credentials.
   */
  redirectRecordings: boolean;
  /** The next matching API request(s) fail with a RestException body; returns a remover. */
  failNext(status: number, options?: { times?: number; message?: string; match?: FaultMatch; headers?: Record<string, string> }): () => void;
  /** Recording requests received, oldest first. */
  recordingDownloads(): RecordingDownload[];
}

const API_PATH = /^\/v1\/Accounts\/([^/]+)\/Calls(?:\/([^/.]+))?(\.json|\.xml)?\/?$/;

/** The `Authorization: Basic` header: null when absent, else whether it names this account's key and token. */
function basicCredentials(request: SandboxRequest, apiKey: string, apiToken: string): boolean | null {
  const header = request.headers.authorization;
  const match = /^Basic\s+(\S+)$/i.exec(Array.isArray(header) ? (header[0] ?? "") : (header ?? ""));
  if (!match) return null;
  return Buffer.from(match[1]!, "base64").toString("utf8") === `${apiKey}:${apiToken}`;
}

/** Exotel's Voice v1 call API and recording store on 127.0.0.1 (exotel.md §9). */
export function createExotelEmulator(options: ExotelEmulatorOptions = {}): ExotelEmulator {
  const accountSid = options.accountSid ?? SANDBOX_EXOTEL_ACCOUNT_SID;
  const apiKey = options.apiKey ?? SANDBOX_EXOTEL_API_KEY;
  const apiToken = options.apiToken ?? SANDBOX_EXOTEL_API_TOKEN;
  const now = options.now ?? Date.now;
  const storeDefaults = { settleDelayMs: options.settleDelayMs ?? DEFAULT_SETTLE_DELAY_MS, emptyValues: options.emptyValues ?? "mixed" } as const;
  const calls = new Map<string, StoredCall>();
  const window = new SlidingWindow(options.rateLimitPerMinute ?? 200);
  const signer = new RecordingSigner();
  let sequence = 0;

  const credentials = (request: SandboxRequest) => basicCredentials(request, apiKey, apiToken);
  const recordingUrlOf = (call: StoredCall) => `${service.url}${recordingPath(accountSid, call)}`;
  const presignedUrlOf = (call: StoredCall, at: number, minutes: number) => {
    const path = recordingPath(accountSid, call);
    return `${service.url}${path}${signer.sign(path, at, minutes)}`;
  };
  const apiContext: ApiContext = {
    accountSid,
    numbersAsStrings: options.numbersAsStrings ?? false,
    presignedByDefault: options.presignedRecordingUrls ?? false,
    calls: () => calls.values(),
    findCall: (sid) => calls.get(sid),
    recordingUrl: recordingUrlOf,
    presignedUrl: presignedUrlOf,
  };

  function api(request: SandboxRequest, match: RegExpExecArray): SandboxResponse {
    const format: WireFormat = match[3] === ".json" ? "json" : "xml";
    const authorized = credentials(request);
    if (authorized !== true) return restException(401, MESSAGES.unauthorized, format);
    if (match[1] !== accountSid) return restException(404, MESSAGES.notFound, format);
    if (request.method !== "GET") return restException(405, MESSAGES.methodNotAllowed, format);
    const at = now();
    if (!window.tryTake(at)) return restException(429, MESSAGES.rateLimited.replace("{limit}", String(window.limit)), format);
    const callSid = match[2];
    return callSid === undefined ? listCalls(request, format, at, apiContext) : readCall(callSid, request, format, at, apiContext);
  }

  function handle(request: SandboxRequest): SandboxResponse | Promise<SandboxResponse> {
    if (RECORDING_PATH.test(request.path) && (request.method === "GET" || request.method === "HEAD")) {
      return serveRecording(request, {
        accountSid,
        now,
        credentials,
        signer,
        findCall: (sid) => calls.get(sid),
        latencyMs: () => emulator.recordingLatencyMs,
        redirectTo: (call) => (emulator.redirectRecordings ? presignedUrlOf(call, now(), 5) : null),
      });
    }
    const match = API_PATH.exec(request.path);
    if (match) return api(request, match);
    return restException(404, MESSAGES.unknownRoute);
  }

  const service = new EmulatedService("exotel", handle, { now, latencyMs: options.latencyMs });

  const emulator: ExotelEmulator = {
    service,
    accountSid,
    apiKey,
    apiToken,
    authorization: `Basic ${Buffer.from(`${apiKey}:${apiToken}`).toString("base64")}`,
    calls,
    recordingLatencyMs: options.recordingLatencyMs ?? 0,
    redirectRecordings: options.redirectRecordings ?? false,

    addCall(seed) {
      let sid = seed.sid;
      while (sid === undefined || calls.has(sid)) {
        if (seed.sid !== undefined) throw new Error(`a call with SID ${seed.sid} already exists`);
        sid = makeCallSid(accountSid, ++sequence);
      }
      const call = storeCall(seed, sid, storeDefaults);
      calls.set(sid, call);
      const path = call.recording === null ? null : recordingPath(accountSid, call);
      return {
        sid,
        recordingPath: path,
        get recordingUrl() {
          return path === null ? null : `${service.url}${path}`;
        },
      };
    },
    get: (sid) => calls.get(sid),
    removeCall: (sid) => calls.delete(sid),
    settle(sid) {
      const call = calls.get(sid);
      if (!call) throw new Error(`no call ${sid}`);
      const at = now();
      if (call.inProgressUntil !== null && call.inProgressUntil > at) call.inProgressUntil = at;
      if (phaseOf(call, at) !== "settled") call.settlesAt = at;
    },
    recordingUrl(sid) {
      const call = calls.get(sid);
      return call && call.recording !== null ? recordingUrlOf(call) : null;
    },
    setRateLimit(perMinute) {
      window.limit = perMinute;
      window.reset();
    },
    failNext(status, fail = {}) {
      return service.faults.add({
        match: fail.match ?? { path: /^\/v1\// },
        times: fail.times ?? 1,
        fault: {
          kind: "status",
          status,
          headers: { "content-type": "application/json; charset=utf-8", ...fail.headers },
          body: { RestException: { Status: status, Message: fail.message ?? (status >= 500 ? "Internal server error" : "Request failed") } },
        },
      });
    },
    recordingDownloads() {
      return service.requests.flatMap((r) => {
        const match = RECORDING_PATH.exec(r.path);
        return match ? [{ id: r.id, sid: match[2]!, signed: isSignedRequest(r.query), status: r.responseStatus }] : [];
      });
    },
  };
  return emulator;
}
