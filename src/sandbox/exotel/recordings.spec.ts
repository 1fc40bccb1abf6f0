import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findCallMarker } from "../core/audio-marker.js";
import { createExotelEmulator, type ExotelEmulator } from "./emulator.js";
import { syntheticRecordingBytes, syntheticRecordingStream } from "./synthetic-recording.js";
import { get, ist, ManualClock } from "./test-support.js";

const EXOPHONE = "08047112233";

function seed(recording: Parameters<ExotelEmulator["addCall"]>[0]["recording"], startedAt = ist("2025-11-20 10:00:00")) {
  return { from: "09988776655", to: EXOPHONE, exoPhone: EXOPHONE, settledTo: "09812345670", direction: "inbound" as const, status: "completed" as const, startedAt, durationSeconds: 90, recording };
}

async function download(url: string, authorization: string | null): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(url, { headers: authorization === null ? {} : { authorization } });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

describe("Exotel emulator: recordings", () => {
  let clock: ManualClock;
  let exotel: ExotelEmulator;

  beforeEach(async () => {
    clock = new ManualClock(ist("2025-11-20 12:00:00").getTime());
    exotel = createExotelEmulator({ now: clock.now, settleDelayMs: 0 });
    await exotel.service.start();
  });
  afterEach(() => exotel.service.stop());

  it("serves a recording as audio/mpeg to the account's Basic credentials only", async () => {
    const data = Buffer.from("ID3\u0003\u0000\u0000\u0000\u0000\u0000\u0000 fake mp3 bytes", "latin1");
    const call = exotel.addCall(seed({ kind: "bytes", data }));
    expect(call.recordingUrl).toBe(`${exotel.service.url}/exotelrecordings/sandbox1/${call.sid}.mp3`);

    const ok = await download(call.recordingUrl!, exotel.authorization);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("audio/mpeg");
    expect(ok.body.equals(data)).toBe(true);

    const missing = await download(call.recordingUrl!, null);
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body.toString()).RestException.Status).toBe(401);
    const wrong = await download(call.recordingUrl!, `Basic ${Buffer.from("someone:else").toString("base64")}`);
    expect(wrong.status).toBe(403);
    expect(JSON.parse(wrong.body.toString()).RestException.Message).toMatch(/whitelisted IP/);
  });

  it("has no recording to serve before the call settles", async () => {
    const slow = createExotelEmulator({ now: clock.now });
    await slow.service.start();
    try {
      const call = slow.addCall(seed({ kind: "synthetic", sizeBytes: 5000 }, ist("2025-11-20 11:57:00")));
      expect((await download(call.recordingUrl!, slow.authorization)).status).toBe(404);
      clock.advance(5 * 60_000);
      expect((await download(call.recordingUrl!, slow.authorization)).status).toBe(200);
    } finally {
      await slow.service.stop();
    }
  });

  it("serves a file from disk with its length and content type", async () => {
    const dir = await mkdtemp(join(tmpdir(), "exotel-recording-"));
    try {
      const path = join(dir, "call.wav");
      const bytes = Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(60, 7)]);
      await writeFile(path, bytes);
      const call = exotel.addCall(seed({ kind: "file", path, contentType: "audio/wav" }));
      const reply = await download(call.recordingUrl!, exotel.authorization);
      expect(reply.headers.get("content-type")).toBe("audio/wav");
      expect(reply.headers.get("content-length")).toBe(String(bytes.length));
      expect(reply.body.equals(bytes)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("serves a signed URL without credentials until it expires, then 403 like S3", async () => {
    const call = exotel.addCall(seed({ kind: "synthetic", sizeBytes: 3000 }));
    const listed = await get(exotel, `/v1/Accounts/sandbox1/Calls/${call.sid}.json?RecordingUrlValidity=5`);
    const signed: string = listed.json.Call.PreSignedRecordingUrl;
    expect(signed.startsWith(`${call.recordingUrl}?X-Amz-Algorithm=`)).toBe(true);

    const fresh = await download(signed, null);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toHaveLength(3000);

    clock.advance(5 * 60_000 - 1_000);
    expect((await download(signed, null)).status).toBe(200);
    clock.advance(1_000);
    const expired = await download(signed, null);
    expect(expired.status).toBe(403);
    expect(expired.body.toString()).toContain("<Code>AccessDenied</Code><Message>Request has expired</Message>");

    const tampered = await download(signed.replace(/X-Amz-Expires=\d+/, "X-Amz-Expires=3600"), null);
    expect(tampered.status).toBe(403);
    expect(tampered.body.toString()).toContain("<Code>SignatureDoesNotMatch</Code>");
    expect(exotel.recordingDownloads().map((d) => [d.signed, d.status])).toEqual([
      [true, 200],
      [true, 200],
      [true, 403],
      [true, 403],
    ]);
  });

  it("signs every recording when the account has signed URLs turned on", async () => {
    const signedAccount = createExotelEmulator({ now: clock.now, settleDelayMs: 0, presignedRecordingUrls: true });
    await signedAccount.service.start();
    try {
      const call = signedAccount.addCall(seed({ kind: "synthetic", sizeBytes: 3000 }));
      const reply = await get(signedAccount, `/v1/Accounts/sandbox1/Calls/${call.sid}.json`);
      expect(reply.json.Call.PreSignedRecordingUrl).toContain("X-Amz-Expires=300&");
    } finally {
      await signedAccount.service.stop();
    }
  });

  it("streams a 5 MB synthetic recording byte for byte, with the call marker in its first kilobyte", async () => {
    const size = 5 * 1024 * 1024;
    const call = exotel.addCall(seed({ kind: "synthetic", sizeBytes: size }));
    const reply = await download(call.recordingUrl!, exotel.authorization);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-length")).toBe(String(size));
    expect(reply.body).toHaveLength(size);
    expect(reply.body.subarray(0, 3).toString("latin1")).toBe("ID3");
    expect(reply.body.subarray(0, 1024).toString("latin1")).toContain(`ZCT-SANDBOX-CALL:${call.sid}`);
    expect(findCallMarker(reply.body)).toBe(call.sid);
    const same = syntheticRecordingBytes({ callSid: call.sid, sizeBytes: size });
    expect(createHash("sha256").update(reply.body).digest("hex")).toBe(createHash("sha256").update(same).digest("hex"));
  });

  it("makes synthetic bytes as they are read, so a huge recording costs no memory", async () => {
    const stream = syntheticRecordingStream({ callSid: "abc123", sizeBytes: 4 * 1024 * 1024 * 1024 });
    const before = process.memoryUsage().arrayBuffers;
    let read = 0;
    for await (const chunk of stream) {
      expect((chunk as Buffer).length).toBeLessThanOrEqual(64 * 1024);
      read += (chunk as Buffer).length;
      if (read >= 8 * 1024 * 1024) break;
    }
    expect(read).toBe(8 * 1024 * 1024);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });

  it("frames synthetic audio as MPEG-1 Layer III right after the tag, mono or stereo", () => {
    for (const channels of [1, 2] as const) {
      const bytes = syntheticRecordingBytes({ callSid: "abc123", sizeBytes: 4096, channels });
      const tagSize = 10 + ((bytes[6]! << 21) | (bytes[7]! << 14) | (bytes[8]! << 7) | bytes[9]!);
      expect([...bytes.subarray(tagSize, tagSize + 4)]).toEqual([0xff, 0xfb, 0x94, channels === 1 ? 0xc4 : 0x04]);
      expect([...bytes.subarray(tagSize + 384, tagSize + 386)]).toEqual([0xff, 0xfb]);
    }
  });

  it("answers 302 to a presigned URL of the same recording when redirectRecordings is on, which serves it without credentials", async () => {
    const call = exotel.addCall(seed({ kind: "synthetic", sizeBytes: 3000 }));
    exotel.redirectRecordings = true;
    const redirect = await fetch(call.recordingUrl!, { headers: { authorization: exotel.authorization }, redirect: "manual" });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get("location")!;
    expect(location.startsWith(`${call.recordingUrl}?X-Amz-Algorithm=`)).toBe(true);
    expect(location).toContain("X-Amz-Expires=300&");

    const signed = await download(location, null);
    expect(signed.status).toBe(200);
    expect(signed.body.equals(syntheticRecordingBytes({ callSid: call.sid, sizeBytes: 3000 }))).toBe(true);
    // Credentials are still checked before the redirect.
    expect((await download(call.recordingUrl!, null)).status).toBe(401);

    exotel.redirectRecordings = false;
    expect((await download(call.recordingUrl!, exotel.authorization)).status).toBe(200);
    expect(exotel.recordingDownloads().map((d) => [d.signed, d.status])).toEqual([
      [false, 302],
      [true, 200],
      [false, 401],
      [false, 200],
    ]);
  });

  it("waits recordingLatencyMs before answering a recording, and only a recording", async () => {
    const call = exotel.addCall(seed({ kind: "synthetic", sizeBytes: 2000 }));
    exotel.recordingLatencyMs = 120;
    let started = performance.now();
    await download(call.recordingUrl!, exotel.authorization);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    started = performance.now();
    await get(exotel, `/v1/Accounts/sandbox1/Calls/${call.sid}.json`);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
