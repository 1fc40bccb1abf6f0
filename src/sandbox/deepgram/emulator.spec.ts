import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createExotelEmulator } from "../exotel/emulator.js";
import { syntheticRecordingBytes } from "../exotel/synthetic-recording.js";
import { createDeepgramEmulator, type DeepgramEmulator } from "./emulator.js";
import { listen, wavBytes } from "./test-support.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NOW = Date.parse("2026-11-24T06:12:09.412Z");

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

const MONO_CALL = {
  durationSeconds: 5,
  utterances: [
    { speaker: 0, start: 0.2, end: 1.5, text: "Thank you for calling." },
    { speaker: 1, start: 2.9, end: 4.8, text: "Hi, my refund is pending." },
  ],
};

const STEREO_CALL = {
  durationSeconds: 8,
  utterances: [
    { speaker: 0, start: 0.3, end: 1.9, text: "Namaste, Acme support." },
    { speaker: 1, start: 3.1, end: 4.6, text: "मेरा order नहीं आया।", language: "hi" },
    { speaker: 0, start: 5.0, end: 6.5, text: "Let me check that." },
  ],
};

describe("Deepgram emulator: /v1/listen over plain HTTP", () => {
  let deepgram: DeepgramEmulator;
  beforeEach(async () => {
    deepgram = createDeepgramEmulator({ now: () => NOW });
    await deepgram.service.start();
  });
  afterEach(() => deepgram.service.stop());

  it("refuses a missing or wrong key with 401 INVALID_AUTH and the request id in body and headers", async () => {
    for (const authorization of [null, "Token wrong-key", `Basic ${deepgram.apiKey}`]) {
      const reply = await listen(deepgram, "model=nova-3", wavBytes({ channels: 1, seconds: 1 }), { authorization });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({ err_code: "INVALID_AUTH", err_msg: "Invalid credentials.", request_id: expect.stringMatching(UUID) });
      expect(reply.headers.get("dg-request-id")).toBe(reply.json.request_id);
      expect(reply.headers.get("x-request-id")).toBe(reply.json.request_id);
    }
    expect(deepgram.apiKey).toMatch(/^[0-9a-f]{40}$/);
  });

  it("takes the Token scheme in any case, and Bearer with the API key", async () => {
    const audio = wavBytes({ channels: 1, seconds: 2 });
    for (const authorization of [`token ${deepgram.apiKey}`, `TOKEN ${deepgram.apiKey}`, `Bearer ${deepgram.apiKey}`]) {
      expect((await listen(deepgram, "model=nova-3", audio, { authorization })).status).toBe(200);
    }
  });

  it("answers 400 'corrupt or unsupported data' for an empty body, garbage, or a URL sent without the JSON type", async () => {
    const bodies: [Buffer | string, string][] = [
      [Buffer.alloc(0), "audio/wav"],
      ["this is not audio at all", "application/octet-stream"],
      [JSON.stringify({ url: "https://example.com/a.mp3" }), "application/octet-stream"],
      [Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01]), "audio/mpeg"],
    ];
    for (const [body, contentType] of bodies) {
      const reply = await listen(deepgram, "model=nova-3", body, { contentType });
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ err_code: "Bad Request", err_msg: "Bad Request: failed to process audio: corrupt or unsupported data", request_id: expect.stringMatching(UUID) });
    }
  });

  it("treats audio/*, video/* and application/octet-stream bodies as audio", async () => {
    const audio = wavBytes({ channels: 1, seconds: 2 });
    for (const contentType of ["audio/wav", "audio/x-wav", "video/mp4", "application/octet-stream"]) {
      expect((await listen(deepgram, "model=nova-3", audio, { contentType })).status).toBe(200);
    }
  });

  it("fetches the audio a JSON body names, and refuses JSON it cannot read", async () => {
    const exotel = createExotelEmulator({ settleDelayMs: 0 });
    await exotel.service.start();
    try {
      const call = exotel.addCall({
        from: "09988776655",
        to: "08047112233",
        exoPhone: "08047112233",
        direction: "inbound",
        status: "completed",
        startedAt: new Date(Date.now() - 600_000),
        durationSeconds: 60,
        recording: { kind: "synthetic", sizeBytes: 80_000 },
      });
      deepgram.registerTranscript({ callSid: call.sid }, MONO_CALL);
      const signed = (await (await fetch(`${exotel.service.url}/v1/Accounts/sandbox1/Calls/${call.sid}.json?RecordingUrlValidity=5`, { headers: { authorization: exotel.authorization } })).json()) as {
        Call: { PreSignedRecordingUrl: string };
      };
      const reply = await listen(deepgram, "model=nova-3&punctuate=true", JSON.stringify({ url: signed.Call.PreSignedRecordingUrl }), { contentType: "application/json" });
      expect(reply.status).toBe(200);
      expect(reply.json.results.channels[0].alternatives[0].transcript).toBe("Thank you for calling. Hi, my refund is pending.");
      expect(reply.json.metadata.sha256).toBe(sha256(syntheticRecordingBytes({ callSid: call.sid, sizeBytes: 80_000 })));

      const unauthorised = await listen(deepgram, "model=nova-3", JSON.stringify({ url: call.recordingUrl }), { contentType: "application/json" });
      expect(unauthorised.status).toBe(400);
      expect(unauthorised.json.err_code).toBe("REMOTE_CONTENT_ERROR");
      const broken = await listen(deepgram, "model=nova-3", "{not json", { contentType: "application/json" });
      expect(broken.status).toBe(400);
      expect(broken.json.err_msg).toBe("Content-type was application/json, but we could not process the JSON payload.");
    } finally {
      await exotel.service.stop();
    }
  });

  it("answers a mono call with diarize, utterances and smart_format in the documented shape", async () => {
    const audio = wavBytes({ channels: 1, seconds: 5 });
    deepgram.registerTranscript({ sha256: sha256(audio) }, MONO_CALL);
    const reply = await listen(deepgram, "model=nova-3&language=en-IN&smart_format=true&diarize=true&utterances=true", audio);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("application/json");
    const { metadata, results } = reply.json;

    expect(metadata).toEqual({
      transaction_key: "deprecated",
      request_id: expect.stringMatching(UUID),
      sha256: sha256(audio),
      created: "2026-11-24T06:12:09.412Z",
      duration: 5,
      channels: 1,
      models: [expect.stringMatching(UUID)],
      model_info: { [metadata.models[0]]: { name: "general-nova-3", version: expect.any(String), arch: "nova-3" } },
    });
    expect(reply.headers.get("dg-request-id")).toBe(metadata.request_id);
    expect(reply.headers.get("x-request-id")).toBe(metadata.request_id);

    expect(results.channels).toHaveLength(1);
    const alternative = results.channels[0].alternatives[0];
    expect(alternative.transcript).toBe("Thank you for calling. Hi, my refund is pending.");
    expect(alternative.words.map((w: { word: string }) => w.word)).toEqual(["thank", "you", "for", "calling", "hi", "my", "refund", "is", "pending"]);
    expect(alternative.words[0]).toEqual({ word: "thank", start: 0.2, end: 0.515, confidence: expect.any(Number), speaker: 0, speaker_confidence: expect.any(Number), punctuated_word: "Thank" });
    expect(alternative.words[4]).toMatchObject({ word: "hi", start: 2.9, punctuated_word: "Hi,", speaker: 1 });
    for (const word of alternative.words) {
      expect(word.confidence).toBeGreaterThanOrEqual(0.86);
      expect(word.confidence).toBeLessThan(0.999);
    }
    expect(alternative.paragraphs.transcript).toBe("\nSpeaker 0: Thank you for calling.\n\nSpeaker 1: Hi, my refund is pending.");
    expect(alternative.paragraphs.paragraphs[0]).toEqual({
      sentences: [{ text: "Thank you for calling.", start: 0.2, end: alternative.words[3].end }],
      speaker: 0,
      num_words: 4,
      start: 0.2,
      end: alternative.words[3].end,
    });

    expect(results.utterances).toEqual([
      { start: 0.2, end: alternative.words[3].end, confidence: expect.any(Number), channel: 0, transcript: "Thank you for calling.", words: alternative.words.slice(0, 4), speaker: 0, id: expect.stringMatching(UUID) },
      { start: 2.9, end: alternative.words[8].end, confidence: expect.any(Number), channel: 0, transcript: "Hi, my refund is pending.", words: alternative.words.slice(4), speaker: 1, id: expect.stringMatching(UUID) },
    ]);
    expect(results).not.toHaveProperty("summary");
    expect(results).not.toHaveProperty("sentiments");

    const again = await listen(deepgram, "model=nova-3&language=en-IN&smart_format=true&diarize=true&utterances=true", audio);
    expect(again.json.results.channels[0].alternatives[0].words).toEqual(alternative.words);
    expect(again.json.metadata.request_id).not.toBe(metadata.request_id);
  });

  it("leaves out what was not asked for: no utterances, speakers, punctuation or paragraphs", async () => {
    const audio = wavBytes({ channels: 1, seconds: 5 });
    deepgram.registerTranscript({ sha256: sha256(audio) }, MONO_CALL);
    const reply = await listen(deepgram, "model=nova-2", audio);
    const alternative = reply.json.results.channels[0].alternatives[0];
    expect(Object.keys(reply.json.results)).toEqual(["channels"]);
    expect(Object.keys(alternative)).toEqual(["transcript", "confidence", "words"]);
    expect(alternative.transcript).toBe("thank you for calling hi my refund is pending");
    expect(Object.keys(alternative.words[0])).toEqual(["word", "start", "end", "confidence"]);
    expect(reply.json.metadata.model_info[reply.json.metadata.models[0]].name).toBe("general-nova-2");

    const diarizeModel = await listen(deepgram, "model=nova-3&diarize_model=latest&punctuate=true&paragraphs=true", audio);
    const words = diarizeModel.json.results.channels[0].alternatives[0].words;
    expect(words[4]).toMatchObject({ speaker: 1, punctuated_word: "Hi," });
    expect(diarizeModel.json.results.channels[0].alternatives[0].paragraphs.paragraphs).toHaveLength(2);
  });

  it("answers one channel per audio channel under multichannel, reading the count from the WAV header", async () => {
    const audio = wavBytes({ channels: 2, seconds: 8 });
    deepgram.registerTranscript({ sha256: sha256(audio) }, STEREO_CALL);
    const reply = await listen(deepgram, "model=nova-3&language=multi&smart_format=true&multichannel=true&utterances=true", audio);
    const { metadata, results } = reply.json;
    expect(metadata.channels).toBe(2);
    expect(results.channels).toHaveLength(2);
    const [agent, customer] = results.channels.map((c: { alternatives: { transcript: string }[] }) => c.alternatives[0]);
    expect(agent.transcript).toBe("Namaste, Acme support. Let me check that.");
    expect(customer.transcript).toBe("मेरा order नहीं आया।");
    expect(customer.languages).toEqual(["hi"]);
    expect(customer.words.map((w: { word: string; language: string }) => [w.word, w.language])).toEqual([
      ["मेरा", "hi"],
      ["order", "hi"],
      ["नहीं", "hi"],
      ["आया", "hi"],
    ]);
    expect(agent.languages).toEqual(["en"]);
    expect(results.utterances.map((u: { channel: number; speaker: number; transcript: string }) => [u.channel, u.speaker, u.transcript])).toEqual([
      [0, 0, "Namaste, Acme support."],
      [1, 0, "मेरा order नहीं आया।"],
      [0, 0, "Let me check that."],
    ]);
    expect(agent.words[0]).not.toHaveProperty("speaker");

    const mixed = await listen(deepgram, "model=nova-3&smart_format=true", audio);
    expect(mixed.json.metadata.channels).toBe(1);
    expect(mixed.json.results.channels[0].alternatives[0].transcript).toBe("Namaste, Acme support. मेरा order नहीं आया। Let me check that.");
  });

  it("names the language it heard on each channel under detect_language", async () => {
    const audio = wavBytes({ channels: 2, seconds: 8 });
    deepgram.registerTranscript({ sha256: sha256(audio) }, STEREO_CALL);
    const reply = await listen(deepgram, "model=nova-3&detect_language=true&multichannel=true", audio);
    expect(reply.json.results.channels.map((c: { detected_language: string }) => c.detected_language)).toEqual(["en", "hi"]);
    const plain = await listen(deepgram, "model=nova-3&multichannel=true", audio);
    expect(plain.json.results.channels[0]).not.toHaveProperty("detected_language");
  });

  it("reads the channel count of a synthetic MP3 from its frame header and its call from the marker", async () => {
    const stereo = syntheticRecordingBytes({ callSid: "c0ffee00112233445566778899aabbcg", sizeBytes: 160_000, channels: 2 });
    deepgram.registerTranscript({ callSid: "c0ffee00112233445566778899aabbcg" }, STEREO_CALL);
    const reply = await listen(deepgram, "model=nova-3&multichannel=true", stereo, { contentType: "audio/mpeg" });
    expect(reply.json.metadata.channels).toBe(2);
    expect(reply.json.metadata.duration).toBe(8);
    const mono = syntheticRecordingBytes({ callSid: "c0ffee00112233445566778899aabbcg", sizeBytes: 160_000, channels: 1 });
    expect((await listen(deepgram, "model=nova-3&multichannel=true", mono, { contentType: "audio/mpeg" })).json.metadata.channels).toBe(1);
    expect(deepgram.transcriptions().map((t) => [t.source, t.callSid, t.channels])).toEqual([
      ["callSid", "c0ffee00112233445566778899aabbcg", 2],
      ["callSid", "c0ffee00112233445566778899aabbcg", 1],
    ]);
  });

  it("answers silence with empty transcripts, zero confidence and no utterances, keeping the duration", async () => {
    const silent = wavBytes({ channels: 1, seconds: 3, amplitude: 0 });
    const reply = await listen(deepgram, "model=nova-3&smart_format=true&utterances=true&diarize=true", silent);
    expect(reply.status).toBe(200);
    expect(reply.json.metadata.duration).toBe(3);
    expect(reply.json.results).toEqual({
      channels: [{ alternatives: [{ transcript: "", confidence: 0, words: [], paragraphs: { transcript: "", paragraphs: [] } }] }],
      utterances: [],
    });

    const scripted = wavBytes({ channels: 2, seconds: 4 });
    deepgram.registerTranscript({ sha256: sha256(scripted) }, "silence");
    const stereo = await listen(deepgram, "model=nova-3&multichannel=true&utterances=true", scripted);
    expect(stereo.json.results.channels).toEqual([
      { alternatives: [{ transcript: "", confidence: 0, words: [] }] },
      { alternatives: [{ transcript: "", confidence: 0, words: [] }] },
    ]);
  });

  it("makes up a generic two-speaker call for audio nobody scripted, and silence for a clip under 1.5 s", async () => {
    const unknown = wavBytes({ channels: 1, seconds: 20 });
    const reply = await listen(deepgram, "model=nova-3&punctuate=true&diarize=true", unknown);
    const words = reply.json.results.channels[0].alternatives[0].words as { speaker: number; end: number }[];
    expect(reply.json.results.channels[0].alternatives[0].transcript).toMatch(/^Hello, thank you for calling customer support\./);
    expect(new Set(words.map((w) => w.speaker))).toEqual(new Set([0, 1]));
    expect(words[words.length - 1]!.end).toBeLessThanOrEqual(20);
    const short = await listen(deepgram, "model=nova-3", wavBytes({ channels: 1, seconds: 1 }));
    expect(short.json.results.channels[0].alternatives[0].transcript).toBe("");
    expect(deepgram.transcriptions().map((t) => t.source)).toEqual(["generic", "silence"]);
  });

  it("keeps repeated query keys and echoes tags and extra in the metadata", async () => {
    const audio = wavBytes({ channels: 1, seconds: 2 });
    const reply = await listen(deepgram, "model=nova-3&keyterm=Zoho%20Desk&keyterm=refund&tag=calls&tag=sandbox&extra=call_sid:abc&redact=pci&redact=numbers", audio);
    expect(reply.json.metadata.tags).toEqual(["calls", "sandbox"]);
    expect(reply.json.metadata.extra).toEqual({ call_sid: "abc" });
    const [record] = deepgram.transcriptions();
    expect(record!.options.raw["keyterm"]).toEqual(["Zoho Desk", "refund"]);
    expect(record!.options.raw["redact"]).toEqual(["pci", "numbers"]);
    expect(deepgram.service.requests[0]!.rawQuery).toContain("keyterm=Zoho%20Desk&keyterm=refund");
  });

  it("adds summary, sentiment, topic and intent blocks only when asked", async () => {
    const audio = wavBytes({ channels: 1, seconds: 5 });
    deepgram.registerTranscript({ sha256: sha256(audio) }, MONO_CALL);
    const reply = await listen(deepgram, "model=nova-3&smart_format=true&summarize=v2&sentiment=true&topics=true&intents=true", audio);
    const { metadata, results } = reply.json;
    expect(results.summary).toEqual({ result: "success", short: "Thank you for calling. Hi, my refund is pending." });
    expect(results.sentiments.segments).toEqual([
      { text: "Thank you for calling.", start_word: 0, end_word: 3, sentiment: "positive", sentiment_score: 0.5 },
      { text: "Hi, my refund is pending.", start_word: 4, end_word: 8, sentiment: "negative", sentiment_score: -0.8944 },
    ]);
    expect(results.sentiments.average.sentiment).toBe("neutral");
    expect(results.topics.segments).toEqual([{ text: "Hi, my refund is pending.", start_word: 4, end_word: 8, topics: [{ topic: "Refund request", confidence_score: 0.9 }] }]);
    expect(results.intents.segments[0].intents).toEqual([{ intent: "Request refund", confidence_score: 0.9 }]);
    for (const info of ["summary_info", "sentiment_info", "topics_info", "intents_info"]) {
      expect(metadata[info]).toEqual({ model_uuid: expect.stringMatching(UUID), input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    }
  });

  it("replies {request_id} at once in callback mode and posts the result to the callback URL", async () => {
    const receiver = createDeepgramEmulator();
    await receiver.service.start();
    try {
      const audio = wavBytes({ channels: 1, seconds: 5 });
      deepgram.registerTranscript({ sha256: sha256(audio) }, MONO_CALL);
      const reply = await listen(deepgram, `model=nova-3&callback=${encodeURIComponent(`${receiver.service.url}/hook`)}`, audio);
      expect(reply.json).toEqual({ request_id: expect.stringMatching(UUID) });
      const delivered = await receiver.service.waitForRequest((r) => r.path === "/hook", 5_000);
      expect(JSON.parse(delivered.body.toString()).metadata.request_id).toBe(reply.json.request_id);
    } finally {
      await receiver.service.stop();
    }
  });

  it("injects the documented error bodies: 402, 403, 413, 422, 429 with Retry-After, 500 and 503 as text", async () => {
    const audio = wavBytes({ channels: 1, seconds: 2 });
    const expected: [number, string][] = [
      [402, "ASR_PAYMENT_REQUIRED"],
      [403, "INSUFFICIENT_PERMISSIONS"],
      [413, "PAYLOAD_TOO_LARGE"],
      [422, "SLOW_UPLOAD"],
      [429, "TOO_MANY_REQUESTS"],
      [500, "INTERNAL_SERVER_ERROR"],
    ];
    for (const [status, code] of expected) {
      deepgram.failNext(status, status === 429 ? { retryAfterSeconds: 3 } : {});
      const reply = await listen(deepgram, "model=nova-3", audio);
      expect(reply.status).toBe(status);
      expect(reply.json).toEqual({ err_code: code, err_msg: expect.any(String), request_id: expect.stringMatching(UUID) });
      expect(reply.headers.get("dg-request-id")).toBe(reply.json.request_id);
      expect(reply.headers.get("retry-after")).toBe(status === 429 ? "3" : null);
    }
    expect((await listen(deepgram, "model=nova-3", audio)).status).toBe(200);

    deepgram.failNext(503, { text: true, times: 2 });
    const text = await listen(deepgram, "model=nova-3", audio);
    expect(text.status).toBe(503);
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(text.text).toBe("Service Unavailable");
    expect((await listen(deepgram, "model=nova-3", audio)).status).toBe(503);
    expect((await listen(deepgram, "model=nova-3", audio)).status).toBe(200);
  });

  it("keeps only the head of large uploads in the request log but hashes all of it", async () => {
    const big = syntheticRecordingBytes({ callSid: "bigcall", sizeBytes: 3 * 1024 * 1024 });
    const reply = await listen(deepgram, "model=nova-3", big, { contentType: "audio/mpeg" });
    expect(reply.json.metadata.sha256).toBe(sha256(big));
    const logged = deepgram.service.requests[0]!;
    expect(logged.body.length).toBe(64 * 1024);
    expect(logged.bodySize).toBe(big.length);
  });
});
