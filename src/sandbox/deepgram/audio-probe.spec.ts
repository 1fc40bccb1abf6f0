import { describe, expect, it } from "vitest";
import { callMarkerTag } from "../core/audio-marker.js";
import { syntheticRecordingBytes } from "../exotel/synthetic-recording.js";
import { probeAudio } from "./audio-probe.js";
import { wavBytes } from "./test-support.js";

/** An MPEG frame header: MPEG-2.5 Layer III at 8 kHz, 16 kbit/s, as telephony MP3s are. */
const MPEG25_MONO_16K = Buffer.from([0xff, 0xe3, 0x28, 0xc4]);

describe("audio probing", () => {
  it.each([
    ["a mono WAV", wavBytes({ channels: 1, seconds: 2 }), { container: "wav", channels: 1, durationSeconds: 2, silent: false }],
    ["a stereo WAV", wavBytes({ channels: 2, seconds: 3 }), { container: "wav", channels: 2, durationSeconds: 3, silent: false }],
    ["a WAV of digital silence", wavBytes({ channels: 1, seconds: 2, amplitude: 0 }), { container: "wav", channels: 1, durationSeconds: 2, silent: true }],
    ["a WAV of faint hiss", wavBytes({ channels: 1, seconds: 1, amplitude: 0.005 }), { container: "wav", silent: true }],
    ["an MP3 starting with a frame", Buffer.concat([MPEG25_MONO_16K, Buffer.alloc(3996)]), { container: "mp3", channels: 1, durationSeconds: 2, silent: false }],
    [
      "a synthetic stereo recording",
      syntheticRecordingBytes({ callSid: "abc", sizeBytes: 16_000 * 4 + callMarkerTag("abc").length, channels: 2 }),
      { container: "mp3", channels: 2, durationSeconds: 4, callSid: "abc" },
    ],
    ["an ID3 tag with no audio after it", callMarkerTag("xyz"), { container: "mp3", durationSeconds: 0, silent: true, callSid: "xyz" }],
    ["an Ogg file", Buffer.concat([Buffer.from("OggS"), Buffer.alloc(15_996)]), { container: "ogg", durationSeconds: 1 }],
  ])("reads %s", (_name, bytes, expected) => {
    expect(probeAudio(bytes)).toMatchObject(expected);
  });

  it.each([
    ["nothing", Buffer.alloc(0)],
    ["text", Buffer.from("hello, this is not a recording")],
    ["JSON", Buffer.from('{"url":"https://example.com/a.mp3"}')],
    ["a frame sync that is not at the start", Buffer.concat([Buffer.from("junk"), MPEG25_MONO_16K, Buffer.alloc(100)])],
    ["a frame header with a reserved layer", Buffer.from([0xff, 0xe1, 0x28, 0xc4, 0, 0])],
    ["RIFF that is not WAVE", Buffer.concat([Buffer.from("RIFF\u0000\u0000\u0000\u0000AVI "), Buffer.alloc(40)])],
  ])("refuses %s", (_name, bytes) => {
    expect(probeAudio(bytes)).toBeNull();
  });
});
