import type { DeepgramEmulator } from "./emulator.js";

/** Helpers for the emulator's own specs: small WAV files and plain HTTP calls to `/v1/listen`. */

export interface WavSpec {
  channels: 1 | 2;
  seconds: number;
  sampleRate?: number;
  /** A 440 Hz tone at this fraction of full scale; 0 is digital silence. */
  amplitude?: number;
}

export function wavBytes(spec: WavSpec): Buffer {
  const sampleRate = spec.sampleRate ?? 8000;
  const frames = Math.round(spec.seconds * sampleRate);
  const data = Buffer.alloc(frames * spec.channels * 2);
  const amplitude = spec.amplitude ?? 0.3;
  for (let i = 0; i < frames; i++) {
    const value = Math.round(Math.sin((2 * Math.PI * 440 * i) / sampleRate) * amplitude * 32767);
    for (let c = 0; c < spec.channels; c++) data.writeInt16LE(value, (i * spec.channels + c) * 2);
  }
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8, "latin1");
  header.write("fmt ", 12, "latin1");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(spec.channels, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * spec.channels * 2, 28);
  header.writeUInt16LE(spec.channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "latin1");
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export interface ListenReply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or null when it is not JSON; specs read whatever shape the route answers. */
  json: any;
}

export async function listen(
  deepgram: DeepgramEmulator,
  query: string,
  body: Buffer | string,
  init: { contentType?: string; authorization?: string | null } = {},
): Promise<ListenReply> {
  const headers: Record<string, string> = { "content-type": init.contentType ?? "audio/wav" };
  const authorization = init.authorization === undefined ? `Token ${deepgram.apiKey}` : init.authorization;
  if (authorization !== null) headers["authorization"] = authorization;
  const response = await fetch(`${deepgram.service.url}/v1/listen${query ? `?${query}` : ""}`, { method: "POST", headers, body });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}
