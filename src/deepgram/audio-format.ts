import { promises as fs } from "node:fs";

export interface AudioFormat {
  contentType: string;
  /** 2 for dual-channel recordings (agent and customer on their own channels), else 1. */
  channels: 1 | 2;
}

/**
 * Looks at the first bytes of a recording: dual-channel recordings are transcribed per channel
 * (each speaker labelled for certain), mono ones are diarised.
 */
export function detectAudioFormat(head: Buffer): AudioFormat {
  if (head.subarray(0, 4).toString("latin1") === "RIFF" && head.subarray(8, 12).toString("latin1") === "WAVE") {
    let offset = 12;
    while (offset + 8 <= head.length) {
      const id = head.subarray(offset, offset + 4).toString("latin1");
      const size = head.readUInt32LE(offset + 4);
      if (id === "fmt " && offset + 12 <= head.length) {
        return { contentType: "audio/wav", channels: head.readUInt16LE(offset + 10) >= 2 ? 2 : 1 };
      }
      offset += 8 + size + (size % 2);
    }
    return { contentType: "audio/wav", channels: 1 };
  }
  let offset = 0;
  if (head.subarray(0, 3).toString("latin1") === "ID3" && head.length >= 10) {
    const size = ((head[6]! & 0x7f) << 21) | ((head[7]! & 0x7f) << 14) | ((head[8]! & 0x7f) << 7) | (head[9]! & 0x7f);
    offset = 10 + size;
  }
  for (let i = offset; i + 3 < head.length; i++) {
    if (head[i] === 0xff && (head[i + 1]! & 0xe0) === 0xe0 && (head[i + 1]! & 0x06) !== 0) {
      const channelMode = (head[i + 3]! >> 6) & 0x03;
      return { contentType: "audio/mpeg", channels: channelMode === 3 ? 1 : 2 };
    }
  }
  return { contentType: "audio/mpeg", channels: 1 };
}

/** The format from the file's first bytes, and its size (which spares the upload a look of its own). */
export async function readAudioFormat(file: string): Promise<AudioFormat & { bytes: number }> {
  const handle = await fs.open(file, "r");
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const { size } = await handle.stat();
    return { ...detectAudioFormat(head.subarray(0, bytesRead)), bytes: size };
  } finally {
    await handle.close();
  }
}
