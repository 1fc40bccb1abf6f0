import { createReadStream, promises as fs } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { SandboxRequest, SandboxResponse } from "../core/http-service.js";
import type { StoredCall } from "./call-seed.js";
import { phaseOf } from "./call-view.js";
import { isSignedRequest, s3AccessDenied, type RecordingSigner } from "./signed-urls.js";
import { syntheticRecordingStream } from "./synthetic-recording.js";
import { restException } from "./wire.js";

/** Recordings are served from `/exotelrecordings/<account>/<CallSid>.mp3` on the emulator's own origin. */
export const RECORDING_PATH = /^\/exotelrecordings\/([^/]+)\/([^/]+)\.mp3$/;

export function recordingPath(accountSid: string, call: StoredCall): string {
  return `/exotelrecordings/${accountSid}/${call.sid}.mp3`;
}

export interface RecordingRouteContext {
  accountSid: string;
  now: () => number;
  /** null: no credentials given; false: wrong ones; true: the account's key and token. */
  credentials: (request: SandboxRequest) => boolean | null;
  signer: RecordingSigner;
  findCall: (sid: string) => StoredCall | undefined;
  /** Extra wait before a recording is answered (the benchmark's storage latency). */
  latencyMs: () => number;
  /** Where an unsigned request is redirected (a presigned URL of the same recording), or null to serve it. */
  redirectTo: (call: StoredCall) => string | null;
}

async function audioResponse(call: StoredCall): Promise<SandboxResponse> {
  const recording = call.recording!;
  switch (recording.kind) {
    case "synthetic":
      return {
        status: 200,
        headers: { "content-type": "audio/mpeg", "content-length": String(recording.sizeBytes) },
        body: syntheticRecordingStream({ callSid: call.sid, sizeBytes: recording.sizeBytes, channels: recording.channels }),
      };
    case "bytes":
      return { status: 200, headers: { "content-type": recording.contentType ?? "audio/mpeg" }, body: recording.data };
    case "file": {
      const { size } = await fs.stat(recording.path);
      return {
        status: 200,
        headers: { "content-type": recording.contentType ?? "audio/mpeg", "content-length": String(size) },
        body: createReadStream(recording.path),
      };
    }
  }
}

/**
 * Private since October 2024 (exotel.md §5): the account's Basic credentials (401 without, 403
 * with wrong ones: the real refusal speaks of a non-whitelisted IP), or a signed URL until it expires.
 */
export async function serveRecording(request: SandboxRequest, context: RecordingRouteContext): Promise<SandboxResponse> {
  const match = RECORDING_PATH.exec(request.path);
  if (!match) return restException(404, "No matching results");
  const [, accountSid, file] = match as unknown as [string, string, string];

  if (isSignedRequest(request.query)) {
    const check = context.signer.check(request.path, request.query, context.now());
    if (check !== "valid") return { status: 403, headers: { "content-type": "application/xml" }, body: s3AccessDenied(check) };
  } else {
    const credentials = context.credentials(request);
    if (credentials === null) return restException(401, "Authentication is required to download this recording.");
    if (!credentials) return restException(403, "Access denied: the request is not from a whitelisted IP address and carries no valid credentials.");
  }

  const call = accountSid === context.accountSid ? context.findCall(file) : undefined;
  if (!call || call.recording === null || phaseOf(call, context.now()) !== "settled") return restException(404, "No matching results");

  // Whether Exotel hands a recording over to S3 this way is unconfirmed (exotel.md §5); clients must cope if it does.
  const location = isSignedRequest(request.query) ? null : context.redirectTo(call);
  if (location !== null) return { status: 302, headers: { location, "content-type": "text/plain" }, body: "Found" };

  const latency = context.latencyMs();
  if (latency > 0) await sleep(latency);
  return audioResponse(call);
}
