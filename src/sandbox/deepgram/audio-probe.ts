import { findCallMarker } from "../core/audio-marker.js";

/**
 * Just enough of an audio decoder to answer like Deepgram: is this audio at all (else 400), how
 * many channels, how long, is it silent, and which sandbox call it was made for.
 */
export interface AudioProbe {
  container: "wav" | "mp3" | "ogg" | "flac" | "mp4" | "webm";
  channels: number;
  durationSeconds: number;
  /** Known to hold no sound (PCM samples all near zero, or no audio data). */
  silent: boolean;
  /** The call a synthetic recording was made for. */
  callSid: string | null;
}

const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString("latin1");

// kbit/s by bitrate index, for [MPEG-1 | MPEG-2/2.5] × [Layer I, II, III].
const BITRATES: Record<string, number[]> = {
  "1-1": [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  "1-2": [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  "1-3": [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  "2-1": [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  "2-2": [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  "2-3": [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};

interface MpegFrame {
  bitrateKbps: number;
  channels: number;
}

/** A valid MPEG audio frame header at `at`: sync, known version, layer, bitrate and sample rate. */
function mpegFrameAt(bytes: Buffer, at: number): MpegFrame | null {
  if (at + 4 > bytes.length || bytes[at] !== 0xff || (bytes[at + 1]! & 0xe0) !== 0xe0) return null;
  const version = (bytes[at + 1]! >> 3) & 0x03; // 0: 2.5, 2: 2, 3: 1
  const layer = 4 - ((bytes[at + 1]! >> 1) & 0x03); // 1..3; 4 is reserved
  const bitrateIndex = bytes[at + 2]! >> 4;
  const sampleRateIndex = (bytes[at + 2]! >> 2) & 0x03;
  if (version === 1 || layer === 4 || bitrateIndex === 0 || bitrateIndex === 15 || sampleRateIndex === 3) return null;
  const bitrateKbps = BITRATES[`${version === 3 ? 1 : 2}-${layer}`]![bitrateIndex]!;
  return { bitrateKbps, channels: bytes[at + 3]! >> 6 === 3 ? 1 : 2 };
}

function id3Length(bytes: Buffer): number {
  if (bytes.length < 10 || ascii(bytes, 0, 3) !== "ID3") return 0;
  const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
  const footer = bytes[5]! & 0x10 ? 10 : 0;
  return 10 + size + footer;
}

function probeMp3(bytes: Buffer): Omit<AudioProbe, "callSid"> | null {
  const tag = id3Length(bytes);
  // After a tag, encoders may pad before the first frame; without one, the file must start with a frame.
  const searchEnd = tag > 0 ? Math.min(bytes.length - 3, tag + 4096) : 1;
  for (let at = tag; at < searchEnd; at++) {
    const frame = mpegFrameAt(bytes, at);
    if (frame) {
      const durationSeconds = ((bytes.length - at) * 8) / (frame.bitrateKbps * 1000);
      return { container: "mp3", channels: frame.channels, durationSeconds, silent: false };
    }
  }
  // A tag with no frame after it holds no sound.
  return tag > 0 ? { container: "mp3", channels: 1, durationSeconds: 0, silent: true } : null;
}

/** The loudest 16-bit or 8-bit PCM sample, as a fraction of full scale; null for other encodings. */
function pcmPeak(data: Buffer, format: number, bitsPerSample: number): number | null {
  if (format !== 1 && format !== 0xfffe) return null;
  let peak = 0;
  if (bitsPerSample === 16) {
    for (let i = 0; i + 1 < data.length; i += 2) peak = Math.max(peak, Math.abs(data.readInt16LE(i)));
    return peak / 32768;
  }
  if (bitsPerSample === 8) {
    for (const sample of data) peak = Math.max(peak, Math.abs(sample - 128));
    return peak / 128;
  }
  return null;
}

function probeWav(bytes: Buffer): Omit<AudioProbe, "callSid"> | null {
  if (bytes.length < 12 || ascii(bytes, 0, 4) !== "RIFF" || ascii(bytes, 8, 12) !== "WAVE") return null;
  let format = 1;
  let channels = 1;
  let byteRate = 16_000;
  let bitsPerSample = 16;
  let data: Buffer | null = null;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = ascii(bytes, at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + size));
    if (id === "fmt " && body.length >= 16) {
      format = body.readUInt16LE(0);
      channels = body.readUInt16LE(2);
      byteRate = body.readUInt32LE(8) || byteRate;
      bitsPerSample = body.readUInt16LE(14);
    } else if (id === "data") {
      data = body;
      break;
    }
    at += 8 + size + (size % 2);
  }
  if (channels < 1) return null;
  const audio = data ?? Buffer.alloc(0);
  const peak = pcmPeak(audio, format, bitsPerSample);
  return { container: "wav", channels, durationSeconds: audio.length / byteRate, silent: audio.length === 0 || (peak !== null && peak < 0.01) };
}

/** Containers Deepgram takes that the sandbox does not look inside: duration guessed at 128 kbit/s. */
function probeOther(bytes: Buffer): Omit<AudioProbe, "callSid"> | null {
  const container =
    ascii(bytes, 0, 4) === "OggS"
      ? "ogg"
      : ascii(bytes, 0, 4) === "fLaC"
        ? "flac"
        : ascii(bytes, 4, 8) === "ftyp"
          ? "mp4"
          : bytes.length >= 4 && bytes.readUInt32BE(0) === 0x1a45dfa3
            ? "webm"
            : null;
  return container ? { container, channels: 1, durationSeconds: bytes.length / 16_000, silent: false } : null;
}

/** What the audio is, or null when the bytes are not audio Deepgram could decode. */
export function probeAudio(bytes: Buffer): AudioProbe | null {
  if (bytes.length === 0) return null;
  const callSid = findCallMarker(bytes);
  const probe = probeWav(bytes) ?? probeMp3(bytes) ?? probeOther(bytes);
  if (probe) return { ...probe, callSid };
  // A sandbox marker alone still names a call the scenario may have scripted.
  return callSid ? { container: "mp3", channels: 1, durationSeconds: bytes.length / 16_000, silent: false, callSid } : null;
}
