/**
 * Synthetic recordings carry the SID of their call in an ID3 text frame, so the Deepgram emulator
 * can tell which call's transcript a file should yield without anyone keeping the bytes around.
 */
export const CALL_MARKER_PREFIX = "ZCT-SANDBOX-CALL:";

/** How far into a file the marker is looked for; the tag that carries it sits at the very start. */
const MARKER_SEARCH_BYTES = 4096;
const MARKER = Buffer.from(CALL_MARKER_PREFIX, "latin1");

/** ID3v2 sizes are "syncsafe": 7 bits per byte, so no byte of the header looks like an MPEG frame sync. */
function syncsafe(size: number): Buffer {
  return Buffer.from([(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f]);
}

/** Latin-1 text, NUL-terminated so a reader of the marker knows where the SID ends. */
function textFrame(id: string, text: string): Buffer {
  const payload = Buffer.concat([Buffer.from([0x00]), Buffer.from(text, "latin1"), Buffer.from([0x00])]);
  const header = Buffer.alloc(10);
  header.write(id, 0, "latin1");
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** An ID3v2.3 tag whose title frame reads `ZCT-SANDBOX-CALL:<sid>`. */
export function callMarkerTag(callSid: string): Buffer {
  if (!/^[A-Za-z0-9_-]+$/.test(callSid)) throw new Error(`call SID "${callSid}" cannot be written into a recording marker`);
  const frames = Buffer.concat([textFrame("TIT2", `${CALL_MARKER_PREFIX}${callSid}`), textFrame("TENC", "zoho-call-tickets sandbox")]);
  const header = Buffer.concat([Buffer.from("ID3", "latin1"), Buffer.from([0x03, 0x00, 0x00]), syncsafe(frames.length)]);
  return Buffer.concat([header, frames]);
}

/** The call SID a synthetic recording was made for, or null when the bytes carry no marker. */
export function findCallMarker(audio: Uint8Array): string | null {
  const head = Buffer.from(audio.buffer, audio.byteOffset, Math.min(audio.byteLength, MARKER_SEARCH_BYTES));
  const at = head.indexOf(MARKER);
  if (at < 0) return null;
  const rest = head.subarray(at + MARKER.length).toString("latin1");
  return /^[A-Za-z0-9_-]+/.exec(rest)?.[0] ?? null;
}
