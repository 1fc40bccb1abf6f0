import { Readable } from "node:stream";
import { callMarkerTag } from "../core/audio-marker.js";

/**
 * Recordings for load tests: a thousand 5 MB files must not sit in memory, so the bytes are made
 * as they are sent. They look like an MP3 to anything that sniffs them (an ID3 tag, then MPEG-1
 * Layer III frames at 128 kbit/s, 48 kHz), and the tag names the call they belong to.
 */

/** 128 kbit/s at 48 kHz: 144 * 128000 / 48000 = 384 bytes a frame, never padded. */
export const SYNTHETIC_FRAME_BYTES = 384;
export const SYNTHETIC_BYTES_PER_SECOND = 128_000 / 8;
const FRAMES_PER_BLOCK = 170;

export interface SyntheticRecording {
  callSid: string;
  sizeBytes: number;
  /** 1 = mono frames (diarised downstream), 2 = stereo frames (one party per channel). */
  channels?: 1 | 2;
}

function frameHeader(channels: 1 | 2): Buffer {
  // FF FB: sync, MPEG-1, Layer III, no CRC. 0x94: 128 kbit/s, 48 kHz, no padding.
  // Last byte: channel mode (11 mono, 00 stereo), original bit set.
  return Buffer.from([0xff, 0xfb, 0x94, channels === 1 ? 0xc4 : 0x04]);
}

const blocks = new Map<1 | 2, Buffer>();

/** One block of frames, made once per channel layout and repeated: the filler is the same for every call. */
function frameBlock(channels: 1 | 2): Buffer {
  const cached = blocks.get(channels);
  if (cached) return cached;
  const block = Buffer.alloc(SYNTHETIC_FRAME_BYTES * FRAMES_PER_BLOCK);
  let state = 0x2545f491;
  for (let frame = 0; frame < FRAMES_PER_BLOCK; frame++) {
    const start = frame * SYNTHETIC_FRAME_BYTES;
    frameHeader(channels).copy(block, start);
    for (let i = start + 4; i < start + SYNTHETIC_FRAME_BYTES; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      // Keep payload bytes below 0xFF so nothing inside a frame passes for the next frame's sync.
      block[i] = (state >>> 0) % 0xff;
    }
  }
  blocks.set(channels, block);
  return block;
}

/** The first `length` bytes of the recording from `offset` on, assembled from the tag and the frame block. */
function slice(tag: Buffer, block: Buffer, offset: number, length: number): Buffer {
  const parts: Buffer[] = [];
  let at = offset;
  const end = offset + length;
  if (at < tag.length) {
    const take = Math.min(tag.length, end) - at;
    parts.push(tag.subarray(at, at + take));
    at += take;
  }
  while (at < end) {
    const inBlock = (at - tag.length) % block.length;
    const take = Math.min(block.length - inBlock, end - at);
    parts.push(block.subarray(inBlock, inBlock + take));
    at += take;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/** Streams the recording in chunks of at most 64 KiB; nothing but one shared frame block stays in memory. */
export function syntheticRecordingStream(recording: SyntheticRecording): Readable {
  const tag = callMarkerTag(recording.callSid);
  const block = frameBlock(recording.channels ?? 1);
  const total = recording.sizeBytes;
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      const length = Math.min(64 * 1024, total - sent);
      const chunk = slice(tag, block, sent, length);
      sent += length;
      this.push(chunk);
    },
  });
}

/** The same bytes as one buffer, for small recordings in tests. */
export function syntheticRecordingBytes(recording: SyntheticRecording): Buffer {
  return slice(callMarkerTag(recording.callSid), frameBlock(recording.channels ?? 1), 0, recording.sizeBytes);
}
