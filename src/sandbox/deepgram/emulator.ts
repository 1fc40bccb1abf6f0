import { createHash, randomUUID } from "node:crypto";
import { EmulatedService, type SandboxRequest, type SandboxResponse } from "../core/http-service.js";
import type { FaultMatch } from "../core/faults.js";
import { probeAudio, type AudioProbe } from "./audio-probe.js";
import { deepgramErrorFault, deepgramErrorResponse, requestIdHeaders, type DeepgramErrorOptions } from "./errors.js";
import { parseListenOptions, type ListenOptions } from "./listen-options.js";
import { listenResponse } from "./listen-response.js";
import { TranscriptRegistry, type TranscriptMatch, type TranscriptSource } from "./registry.js";
import type { TranscriptScript } from "./transcript-script.js";

/** The key the sandbox accepts unless told otherwise (40 lowercase hex characters, like real ones). */
export const SANDBOX_DEEPGRAM_API_KEY = "1cced35b7260c8203d091174a1a62c54ef8b6a82";

export interface DeepgramEmulatorOptions {
  apiKey?: string;
  now?: () => number;
  /** Extra wait before every request, in ms. */
  latencyMs?: number;
  /** Accept `Authorization: Bearer <key>` too (undocumented for API keys; default true). */
  acceptBearer?: boolean;
  /**
   * How much of each request body the request log keeps (the handler always sees all of it).
   * Default 64 KiB: a benchmark's thousand 5 MB uploads must not pile up in memory.
   */
  recordBodyLimit?: number;
}

/** One answered transcription, for assertions on what a client sent and got. */
export interface TranscriptionRecord {
  /** The service's request number. */
  requestNumber: number;
  requestId: string;
  sha256: string;
  /** The call a synthetic recording named, if any. */
  callSid: string | null;
  /** What the transcript came from. */
  source: TranscriptSource;
  /** Channels in the response (`metadata.channels`). */
  channels: number;
  options: ListenOptions;
}

export interface DeepgramEmulator {
  service: EmulatedService;
  apiKey: string;
  /**
   * What an audio should yield: matched by the SHA-256 of its exact bytes (sample files) or by the
   * call SID in a synthetic recording's marker. The latest registration for a match wins.
   * Returns a function that removes this registration.
   */
  registerTranscript(match: TranscriptMatch, script: TranscriptScript): () => void;
  clearTranscripts(): void;
  /** The next matching `/v1/listen` request(s) get this Deepgram error; returns a remover. */
  failNext(status: number, options?: DeepgramErrorOptions & { times?: number; match?: FaultMatch }): () => void;
  /** Successful transcriptions, oldest first. */
  transcriptions(): TranscriptionRecord[];
}

const LISTEN_PATH = /^\/v1\/listen\/?$/;

function header(request: SandboxRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/** Audio bytes from the body, or from the URL a JSON body names (fetched like Deepgram would). */
async function audioFrom(request: SandboxRequest, requestId: string): Promise<{ ok: true; bytes: Buffer } | { ok: false; response: SandboxResponse }> {
  const type = header(request, "content-type").toLowerCase();
  if (!type.startsWith("application/json")) return { ok: true, bytes: request.body };
  let url: unknown;
  try {
    url = (JSON.parse(request.body.toString("utf8")) as { url?: unknown }).url;
  } catch {
    url = undefined;
  }
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
    return { ok: false, response: deepgramErrorResponse(400, { requestId, message: "Content-type was application/json, but we could not process the JSON payload." }) };
  }
  try {
    const fetched = await fetch(url);
    if (!fetched.ok) {
      return {
        ok: false,
        response: deepgramErrorResponse(400, { requestId, code: "REMOTE_CONTENT_ERROR", message: `The remote server hosting the media returned a client error: ${fetched.status} ${fetched.statusText}.` }),
      };
    }
    return { ok: true, bytes: Buffer.from(await fetched.arrayBuffer()) };
  } catch {
    return { ok: false, response: deepgramErrorResponse(400, { requestId, code: "REMOTE_CONTENT_ERROR", message: "Could not download the media at the given URL." }) };
  }
}

/** Deepgram's pre-recorded `/v1/listen` on 127.0.0.1 (deepgram.md §5). */
export function createDeepgramEmulator(options: DeepgramEmulatorOptions = {}): DeepgramEmulator {
  const apiKey = options.apiKey ?? SANDBOX_DEEPGRAM_API_KEY;
  const now = options.now ?? Date.now;
  const acceptBearer = options.acceptBearer ?? true;
  const registry = new TranscriptRegistry();
  const records: TranscriptionRecord[] = [];

  function authorized(request: SandboxRequest): boolean {
    const match = /^(token|bearer)\s+(\S+)\s*$/i.exec(header(request, "authorization"));
    if (!match) return false;
    if (match[1]!.toLowerCase() === "bearer" && !acceptBearer) return false;
    return match[2] === apiKey;
  }

  async function listen(request: SandboxRequest, requestId: string): Promise<SandboxResponse> {
    const audio = await audioFrom(request, requestId);
    if (!audio.ok) return audio.response;
    const probe: AudioProbe | null = probeAudio(audio.bytes);
    if (!probe) return deepgramErrorResponse(400, { requestId });

    const listenOptions = parseListenOptions(request.query);
    // The service already hashed the upload; only fetched audio needs hashing here.
    const sha256 = audio.bytes === request.body ? request.bodySha256 : createHash("sha256").update(audio.bytes).digest("hex");
    const resolved = registry.resolve(sha256, probe);
    const body = listenResponse(resolved.script, listenOptions, { requestId, sha256, created: new Date(now()) });
    const channels = (body["metadata"] as { channels: number }).channels;
    records.push({ requestNumber: request.id, requestId, sha256, callSid: probe.callSid, source: resolved.source, channels, options: listenOptions });

    if (listenOptions.callback) {
      // Asynchronous mode: accept at once, deliver the result to the callback URL afterwards.
      const target = listenOptions.callback;
      void fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
        (r) => service.emit("callback", { requestId, url: target, status: r.status }),
        (error: unknown) => service.emit("callback", { requestId, url: target, error }),
      );
      return { status: 200, headers: { "content-type": "application/json", ...requestIdHeaders(requestId) }, body: { request_id: requestId } };
    }
    return { status: 200, headers: { "content-type": "application/json", ...requestIdHeaders(requestId) }, body };
  }

  async function handle(request: SandboxRequest): Promise<SandboxResponse> {
    const requestId = randomUUID();
    if (!LISTEN_PATH.test(request.path)) {
      return deepgramErrorResponse(404, { requestId, code: "NOT_FOUND", message: `No such route: ${request.method} ${request.path}` });
    }
    if (!authorized(request)) return deepgramErrorResponse(401, { requestId });
    if (request.method !== "POST") return deepgramErrorResponse(405, { requestId, code: "METHOD_NOT_ALLOWED", message: "Only POST is allowed on /v1/listen." });
    return listen(request, requestId);
  }

  const service = new EmulatedService("deepgram", handle, { now, latencyMs: options.latencyMs, recordBodyLimit: options.recordBodyLimit ?? 64 * 1024 });

  return {
    service,
    apiKey,
    registerTranscript: (match, script) => registry.register(match, script),
    clearTranscripts: () => registry.clear(),
    failNext(status, fail = {}) {
      return service.faults.add({ match: fail.match ?? { method: "POST", path: LISTEN_PATH }, times: fail.times ?? 1, fault: deepgramErrorFault(status, fail) });
    },
    transcriptions: () => [...records],
  };
}
