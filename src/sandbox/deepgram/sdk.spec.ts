import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeepgramClient, DeepgramError } from "@deepgram/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { syntheticRecordingBytes } from "../exotel/synthetic-recording.js";
import { createDeepgramEmulator, type DeepgramEmulator } from "./emulator.js";
import { wavBytes } from "./test-support.js";

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** What the daemon asks for (deepgram.md §4): smart_format, utterances, and diarize or multichannel. */
const DAEMON_OPTIONS = { model: "nova-3", language: "multi", smart_format: true, punctuate: true, utterances: true } as const;

async function failure(promise: Promise<unknown>): Promise<DeepgramError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DeepgramError) return error;
    throw error;
  }
  throw new Error("expected the SDK to throw");
}

describe("Deepgram emulator through @deepgram/sdk 5", () => {
  let deepgram: DeepgramEmulator;
  let client: DeepgramClient;

  beforeEach(async () => {
    deepgram = createDeepgramEmulator();
    await deepgram.service.start();
    client = new DeepgramClient({ apiKey: deepgram.apiKey, baseUrl: deepgram.service.url });
  });
  afterEach(() => deepgram.service.stop());

  it("transcribes a mono recording with diarisation into speaker-labelled words and utterances", async () => {
    const audio = wavBytes({ channels: 1, seconds: 6 });
    deepgram.registerTranscript({ sha256: sha256(audio) }, {
      durationSeconds: 6,
      utterances: [
        { speaker: 0, start: 0.2, end: 1.5, text: "Thank you for calling." },
        { speaker: 1, start: 2.9, end: 4.8, text: "Hi, my refund is pending." },
      ],
    });
    const data = await client.listen.v1.media.transcribeFile(audio, { ...DAEMON_OPTIONS, language: "en-IN", diarize: true }, { maxRetries: 0 });
    if (!("results" in data)) throw new Error("expected a transcript, got an accepted-callback answer");
    expect(data.metadata.channels).toBe(1);
    expect(data.metadata.duration).toBe(6);
    expect(data.metadata.sha256).toBe(sha256(audio));
    const alternative = data.results.channels[0]!.alternatives![0]!;
    expect(alternative.transcript).toBe("Thank you for calling. Hi, my refund is pending.");
    expect(alternative.words!.map((w) => w.speaker)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(data.results.utterances!.map((u) => [u.speaker, u.channel, u.transcript])).toEqual([
      [0, 0, "Thank you for calling."],
      [1, 0, "Hi, my refund is pending."],
    ]);

    const request = deepgram.service.requests[0]!;
    expect(request.headers["content-type"]).toBe("application/octet-stream");
    expect(request.headers["authorization"]).toBe(`Token ${deepgram.apiKey}`);
    expect(request.query.get("diarize")).toBe("true");
    expect(request.query.get("smart_format")).toBe("true");
  });

  it("transcribes a stereo recording per channel under multichannel, read from a file path", async () => {
    const dir = await mkdtemp(join(tmpdir(), "deepgram-sdk-"));
    try {
      const audio = wavBytes({ channels: 2, seconds: 8 });
      const file = join(dir, "call.wav");
      await writeFile(file, audio);
      deepgram.registerTranscript({ sha256: sha256(audio) }, {
        durationSeconds: 8,
        utterances: [
          { speaker: 0, start: 0.3, end: 1.9, text: "Namaste, Acme support." },
          { speaker: 1, start: 3.1, end: 4.6, text: "मेरा order नहीं आया।" },
        ],
      });
      const data = await client.listen.v1.media.transcribeFile({ path: file, contentType: "audio/wav" }, { ...DAEMON_OPTIONS, multichannel: true }, { maxRetries: 0 });
      if (!("results" in data)) throw new Error("expected a transcript");
      expect(data.metadata.channels).toBe(2);
      expect(data.results.channels.map((c) => c.alternatives![0]!.transcript)).toEqual(["Namaste, Acme support.", "मेरा order नहीं आया।"]);
      expect(data.results.utterances!.map((u) => u.channel)).toEqual([0, 1]);
      expect(deepgram.service.requests[0]!.headers["content-type"]).toBe("audio/wav");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("transcribes a synthetic recording by the call named in its marker", async () => {
    const audio = syntheticRecordingBytes({ callSid: "4f1c2a0b9d8e7766554433221100189g", sizeBytes: 96_000 });
    deepgram.registerTranscript({ callSid: "4f1c2a0b9d8e7766554433221100189g" }, {
      durationSeconds: 6,
      utterances: [{ speaker: 1, start: 0.5, end: 2.5, text: "Mera refund abhi tak nahi aaya." }],
    });
    const data = await client.listen.v1.media.transcribeFile({ data: audio, contentType: "audio/mpeg" }, { ...DAEMON_OPTIONS, diarize: true }, { maxRetries: 0 });
    if (!("results" in data)) throw new Error("expected a transcript");
    expect(data.results.channels[0]!.alternatives![0]!.transcript).toBe("Mera refund abhi tak nahi aaya.");
  });

  it("answers a silent recording with an empty transcript, not an error", async () => {
    const data = await client.listen.v1.media.transcribeFile(wavBytes({ channels: 1, seconds: 4, amplitude: 0 }), { ...DAEMON_OPTIONS, diarize: true }, { maxRetries: 0 });
    if (!("results" in data)) throw new Error("expected a transcript");
    expect(data.metadata.duration).toBe(4);
    expect(data.results.channels[0]!.alternatives![0]).toMatchObject({ transcript: "", confidence: 0, words: [] });
    expect(data.results.utterances).toEqual([]);
  });

  it("surfaces a wrong key as DeepgramError 401 with the INVALID_AUTH body", async () => {
    const wrong = new DeepgramClient({ apiKey: "0000000000000000000000000000000000000000", baseUrl: deepgram.service.url });
    const error = await failure(wrong.listen.v1.media.transcribeFile(wavBytes({ channels: 1, seconds: 2 }), DAEMON_OPTIONS, { maxRetries: 0 }));
    expect(error.statusCode).toBe(401);
    expect(error.body).toEqual({ err_code: "INVALID_AUTH", err_msg: "Invalid credentials.", request_id: expect.any(String) });
    expect(error.requestId).toBe((error.body as { request_id: string }).request_id);
  });

  it("surfaces an injected 429 with its Retry-After header, and a 500, without retrying when told not to", async () => {
    const audio = wavBytes({ channels: 1, seconds: 2 });
    deepgram.failNext(429, { retryAfterSeconds: 7 });
    const limited = await failure(client.listen.v1.media.transcribeFile(audio, DAEMON_OPTIONS, { maxRetries: 0 }));
    expect(limited.statusCode).toBe(429);
    expect((limited.body as { err_code: string }).err_code).toBe("TOO_MANY_REQUESTS");
    expect(limited.rawResponse?.headers.get("retry-after")).toBe("7");

    deepgram.failNext(500, { text: true });
    const crashed = await failure(client.listen.v1.media.transcribeFile(audio, DAEMON_OPTIONS, { maxRetries: 0 }));
    expect(crashed.statusCode).toBe(500);
    expect(crashed.body).toBe("Internal Server Error");
    expect(deepgram.service.requests).toHaveLength(2);
  });

  it("surfaces garbage audio as a 400 the SDK reports", async () => {
    const error = await failure(client.listen.v1.media.transcribeFile(Buffer.from("definitely not audio"), DAEMON_OPTIONS, { maxRetries: 0 }));
    expect(error.statusCode).toBe(400);
    expect((error.body as { err_msg: string }).err_msg).toBe("Bad Request: failed to process audio: corrupt or unsupported data");
  });
});
