import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SAMPLE_AGENTS, SAMPLE_CALLS, sampleAgent, sampleCall, sampleFilePath, type SampleCall } from "./manifest.js";

const MAX_FILE_BYTES = 150 * 1024;
const MAX_TOTAL_BYTES = 1024 * 1024;

interface FrameHeader {
  version: 1 | 2 | 2.5;
  bitrateKbps: number;
  sampleRateHz: number;
  /** 0 stereo, 1 joint stereo, 2 dual channel, 3 mono. */
  channelMode: number;
  frameBytes: number;
  samplesPerFrame: number;
}

const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];
const SAMPLE_RATES: Record<1 | 2 | 2.5, number[]> = { 1: [44100, 48000, 32000], 2: [22050, 24000, 16000], 2.5: [11025, 12000, 8000] };

/** Where the audio starts: after an ID3v2 tag, if there is one. */
function audioStart(bytes: Buffer): number {
  if (bytes.subarray(0, 3).toString("latin1") !== "ID3") return 0;
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
  const footer = (bytes[5]! & 0x10) !== 0 ? 10 : 0;
  return 10 + size + footer;
}

/** An MPEG Layer III frame header at `offset`, or null when the bytes there are not one. */
function frameHeader(bytes: Buffer, offset: number): FrameHeader | null {
  if (offset + 4 > bytes.length) return null;
  const [b0, b1, b2, b3] = [bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!];
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const versionBits = (b1 >> 3) & 0x03;
  if (versionBits === 1 || ((b1 >> 1) & 0x03) !== 1) return null; // reserved version, or not Layer III
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const bitrateKbps = (version === 1 ? BITRATES_V1 : BITRATES_V2)[b2 >> 4];
  const sampleRateHz = SAMPLE_RATES[version][(b2 >> 2) & 0x03];
  if (!bitrateKbps || !sampleRateHz) return null; // free format, bad index or reserved rate
  const padding = (b2 >> 1) & 0x01;
  const samplesPerFrame = version === 1 ? 1152 : 576;
  const frameBytes = Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRateHz) + padding;
  return { version, bitrateKbps, sampleRateHz, channelMode: b3 >> 6, frameBytes, samplesPerFrame };
}

/** The first frame's header, and how long the audio frames after the Xing/Info frame last. */
function readMp3(bytes: Buffer): { first: FrameHeader; audioFrames: number; seconds: number } {
  const start = audioStart(bytes);
  const first = frameHeader(bytes, start);
  if (!first) throw new Error(`no MPEG Layer III frame where the audio should start (byte ${start})`);
  let offset = start;
  let frames = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset === 128 && bytes.subarray(offset, offset + 3).toString("latin1") === "TAG") break; // ID3v1
    const header = frameHeader(bytes, offset);
    if (!header) throw new Error(`lost frame sync at byte ${offset} of ${bytes.length}`);
    if (header.version !== first.version || header.sampleRateHz !== first.sampleRateHz || header.channelMode !== first.channelMode) {
      throw new Error(`frame at byte ${offset} changes format`);
    }
    offset += header.frameBytes;
    frames++;
  }
  if (offset > bytes.length) throw new Error("the last frame is cut short");
  // A Xing/Info frame (the encoder's summary, silent) sits where the first frame's side info ends.
  const sideInfo = first.version === 1 ? (first.channelMode === 3 ? 17 : 32) : first.channelMode === 3 ? 9 : 17;
  const tag = bytes.subarray(start + 4 + sideInfo, start + 8 + sideInfo).toString("latin1");
  const audioFrames = tag === "Xing" || tag === "Info" ? frames - 1 : frames;
  return { first, audioFrames, seconds: (audioFrames * first.samplesPerFrame) / first.sampleRateHz };
}

const conversations = SAMPLE_CALLS.filter((call) => call.utterances.length > 0);
const silent = SAMPLE_CALLS.filter((call) => call.utterances.length === 0);

describe("sample call recordings", () => {
  it.each(SAMPLE_CALLS.map((call) => [call.id, call] as const))("%s is a small MP3 laid out as the manifest says", (_id, call) => {
    const path = sampleFilePath(call.file);
    const bytes = readFileSync(path);
    expect(bytes.length).toBeGreaterThan(1000);
    expect(bytes.length).toBeLessThan(MAX_FILE_BYTES);
    const { first, audioFrames, seconds } = readMp3(bytes);
    expect(first.channelMode === 3 ? 1 : 2).toBe(call.channels);
    expect(first.sampleRateHz).toBe(call.sampleRateHz);
    expect(audioFrames).toBeGreaterThan(0);
    expect(Math.abs(seconds - call.durationSeconds)).toBeLessThan(0.002);
  });

  it("are all in the manifest (a call taken out of generate.sh leaves its file behind)", () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const files = readdirSync(here).filter((name) => name.endsWith(".mp3"));
    expect(files.sort()).toEqual(SAMPLE_CALLS.map((c) => c.file).sort());
  });

  it("stay small enough to commit together", () => {
    const total = SAMPLE_CALLS.reduce((sum, call) => sum + statSync(sampleFilePath(call.file)).size, 0);
    expect(total).toBeLessThan(MAX_TOTAL_BYTES);
  });

  it("cover the cases the sandbox needs", () => {
    expect(new Set(SAMPLE_CALLS.map((c) => c.id)).size).toBe(SAMPLE_CALLS.length);
    expect(new Set(SAMPLE_CALLS.map((c) => c.file)).size).toBe(SAMPLE_CALLS.length);
    expect(conversations.length).toBeGreaterThanOrEqual(6);
    expect(silent.length).toBeGreaterThanOrEqual(1);
    expect(conversations.filter((c) => c.channels === 2).length).toBeGreaterThanOrEqual(2);
    expect(conversations.filter((c) => c.channels === 1).length).toBeGreaterThanOrEqual(2);
    expect(conversations.filter((c) => c.utterances.some((u) => u.language === "hi")).length).toBeGreaterThanOrEqual(2);
    expect(new Set(conversations.map((c) => c.expectedAnalysis.mood))).toEqual(new Set(["Positive", "Neutral", "Negative", "Urgent"]));
    expect(new Set(SAMPLE_CALLS.map((c) => c.direction))).toEqual(new Set(["inbound", "outbound"]));
  });
});

describe("sample call metadata", () => {
  it.each(SAMPLE_CALLS.map((call) => [call.id, call] as const))("%s has a sample agent, a mobile number and an analysis", (_id, call) => {
    expect(SAMPLE_AGENTS.map((a) => a.number)).toContain(call.agentNumber);
    expect(call.customerNumber).toMatch(/^0[6-9]\d{9}$/);
    expect(SAMPLE_AGENTS.map((a) => a.number)).not.toContain(call.customerNumber);
    expect(call.expectedAnalysis.concern.split(/\s+/).length).toBeLessThanOrEqual(6);
    expect(call.expectedAnalysis.summary).toMatch(/^[A-Z].*\.$/);
    expect(call.title.trim()).not.toBe("");
  });

  it("has agents with distinct numbers in national form", () => {
    expect(new Set(SAMPLE_AGENTS.map((a) => a.number)).size).toBe(SAMPLE_AGENTS.length);
    for (const agent of SAMPLE_AGENTS) expect(agent.number).toMatch(/^0[6-9]\d{9}$/);
  });

  it("looks calls and agents up, and refuses unknown ones", () => {
    expect(sampleCall(SAMPLE_CALLS[0]!.id)).toBe(SAMPLE_CALLS[0]);
    expect(sampleAgent(SAMPLE_AGENTS[0]!.number)).toBe(SAMPLE_AGENTS[0]);
    expect(() => sampleCall("no-such-call")).toThrow(/no-such-call/);
    expect(() => sampleAgent("09999999999")).toThrow(/09999999999/);
  });

  it("cannot be changed by a test that uses it", () => {
    expect(Object.isFrozen(SAMPLE_CALLS)).toBe(true);
    expect(Object.isFrozen(SAMPLE_CALLS[0]!.utterances[0])).toBe(true);
  });
});

describe("sample utterances", () => {
  it.each(conversations.map((call) => [call.id, call] as const))("%s: in order, inside the recording, both parties speak", (_id, call) => {
    expect(call.durationSeconds).toBeGreaterThanOrEqual(15);
    expect(call.durationSeconds).toBeLessThanOrEqual(45);
    let previousEnd = 0;
    for (const u of call.utterances) {
      expect(u.text.trim()).not.toBe("");
      expect(u.start).toBeGreaterThanOrEqual(previousEnd);
      expect(u.end).toBeGreaterThan(u.start);
      expect(u.end).toBeLessThanOrEqual(call.durationSeconds);
      previousEnd = u.end;
    }
    const roles = new Set(call.utterances.map((u) => u.role));
    expect(roles).toEqual(new Set(["agent", "customer"]));
  });

  it.each(conversations.map((call) => [call.id, call] as const))("%s: speakers and channels are consistent", (_id, call) => {
    const first = call.utterances[0]!;
    for (const u of call.utterances) {
      expect(u.speaker).toBe(u.role === first.role ? 0 : 1);
      expect(u.channel).toBe(call.channels === 2 && u.role === "customer" ? 1 : 0);
    }
  });

  it.each(conversations.map((call) => [call.id, call] as const))("%s: the agent who greets is the agent on the call", (_id, call) => {
    const greeting = call.utterances.find((u) => u.role === "agent")!;
    expect(greeting.text).toContain(sampleAgent(call.agentNumber).name);
  });

  it.each(silent.map((call) => [call.id, call] as const))("%s: a silent recording of a few seconds", (_id, call: SampleCall) => {
    expect(call.durationSeconds).toBeGreaterThan(2);
    expect(call.durationSeconds).toBeLessThan(15);
  });

  it("match the scripts in generate.sh (rerun it after changing them)", () => {
    const script = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "generate.sh"), "utf8");
    const quoted = String.raw`"((?:[^"\\]|\\.)*)"`;
    const lines = new RegExp(String.raw`^(call|say)\s+(\S+)(?:\s+(\S+)\s+${quoted})?`, "gm");
    const scripted: Array<{ id: string; role: string; language: string; text: string }> = [];
    let id = "";
    for (const m of script.matchAll(lines)) {
      if (m[1] === "call") id = m[2]!;
      else scripted.push({ id, role: m[2]!, language: m[3]!, text: m[4]!.replace(/\\(.)/g, "$1") });
    }
    const manifest = SAMPLE_CALLS.flatMap((call) => call.utterances.map((u) => ({ id: call.id, role: u.role, language: u.language, text: u.text })));
    expect(manifest).toEqual(scripted);
  });
});

describe("sampleFilePath", () => {
  it("resolves to the recordings in the source tree", () => {
    const path = sampleFilePath(SAMPLE_CALLS[0]!.file);
    expect(isAbsolute(path)).toBe(true);
    expect(path).toBe(join(dirname(fileURLToPath(import.meta.url)), SAMPLE_CALLS[0]!.file));
    expect(statSync(path).isFile()).toBe(true);
  });

  it("takes bare file names only", () => {
    for (const bad of ["", ".", "..", "../package.json", "sub/file.mp3", "sub\\file.mp3", "/etc/hostname"]) {
      expect(() => sampleFilePath(bad)).toThrow(/Not a sample file name/);
    }
  });
});
