/**
 * Reading an HTTP/1.1 answer from raw bytes: the head (status line and headers) and the body's
 * framing (Content-Length, chunked, or until the connection closes). Used by `downloadToFile`,
 * which reads a recording's socket into reused memory and so cannot go through an HTTP library.
 */

export interface ResponseHead {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

/** The answer broke HTTP/1.1's rules; `code` lets networkError name it. */
export class HttpFramingError extends Error {
  readonly code = "ERR_HTTP_FRAMING";
}

/** A head larger than this is not an answer we can use (undici allows 16 KiB, Node's parser 16 KiB). */
export const MAX_HEAD_BYTES = 64 * 1024;
/** A chunk-size line or trailer line longer than this is refused. */
const MAX_LINE_BYTES = 4096;

const CR = 13;
const LF = 10;

/**
 * The head at the start of `bytes`, and how many bytes it took (blank line included); null while
 * it is still incomplete. Bare LF line ends are accepted, as browsers and Node's parser do.
 */
export function parseResponseHead(bytes: Buffer): { head: ResponseHead; length: number } | null {
  const end = headEnd(bytes);
  if (end === null) {
    if (bytes.length > MAX_HEAD_BYTES) throw new HttpFramingError(`the answer's head is larger than ${MAX_HEAD_BYTES} bytes`);
    return null;
  }
  const lines = bytes.toString("latin1", 0, end.headLength).split(/\r?\n/);
  const statusLine = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? "");
  if (!statusLine) throw new HttpFramingError(`the answer does not start with an HTTP/1.x status line (${JSON.stringify((lines[0] ?? "").slice(0, 40))})`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new HttpFramingError(`the answer has a header line without a name (${JSON.stringify(line.slice(0, 40))})`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { head: { status: Number(statusLine[1]), headers }, length: end.totalLength };
}

function headEnd(bytes: Buffer): { headLength: number; totalLength: number } | null {
  for (let i = bytes.indexOf(LF); i !== -1; i = bytes.indexOf(LF, i + 1)) {
    const headLength = bytes[i - 1] === CR ? i - 1 : i;
    if (bytes[i + 1] === LF) return { headLength, totalLength: i + 2 };
    if (bytes[i + 1] === CR && bytes[i + 2] === LF) return { headLength, totalLength: i + 3 };
    if (i + 2 >= bytes.length) break;
  }
  return null;
}

/** An informational answer (100 Continue, 103 Early Hints) is followed by the real one. */
export function isInterim(head: ResponseHead): boolean {
  return head.status >= 100 && head.status < 200 && head.status !== 101;
}

type Framing =
  | { kind: "length"; remaining: number }
  | { kind: "close" }
  | { kind: "chunked"; state: "size" | "data" | "data-end" | "trailer" | "done"; remaining: number; line: string };

/**
 * Takes the body's bytes as they arrive and says which of them are content, and when the body is
 * complete. A GET's answer is framed by chunked transfer-encoding, else Content-Length, else the
 * connection's end (RFC 9112 §6.3).
 */
export class BodyDecoder {
  private framing: Framing;

  constructor(head: ResponseHead) {
    const transferEncoding = head.headers["transfer-encoding"]?.toLowerCase() ?? "";
    const contentLength = head.headers["content-length"];
    if (head.status === 204 || head.status === 304) this.framing = { kind: "length", remaining: 0 };
    else if (/(^|,)\s*chunked\s*$/.test(transferEncoding)) this.framing = { kind: "chunked", state: "size", remaining: 0, line: "" };
    else if (transferEncoding !== "") this.framing = { kind: "close" };
    else if (contentLength !== undefined) {
      // Repeated identical values ("5, 5") are one length; anything else is a broken answer.
      const values = new Set(contentLength.split(",").map((v) => v.trim()));
      const length = Number([...values][0]);
      if (values.size !== 1 || !/^\d+$/.test([...values][0]!) || !Number.isSafeInteger(length)) {
        throw new HttpFramingError(`the answer's Content-Length is not a length (${JSON.stringify(contentLength.slice(0, 40))})`);
      }
      this.framing = { kind: "length", remaining: length };
    } else this.framing = { kind: "close" };
  }

  /** True once the framing says the body is over; later bytes are not part of it. */
  get done(): boolean {
    const f = this.framing;
    return (f.kind === "length" && f.remaining === 0) || (f.kind === "chunked" && f.state === "done");
  }

  /** True when only the connection's end can say the body is over: its end is then a complete body. */
  get endsWithConnection(): boolean {
    return this.framing.kind === "close";
  }

  /** Appends to `out` the [start, end) ranges of `bytes[from, to)` that are content. */
  feed(bytes: Buffer, from: number, to: number, out: Array<[number, number]>): void {
    const f = this.framing;
    if (f.kind === "close") return this.take(from, to, out);
    if (f.kind === "length") {
      const end = Math.min(to, from + f.remaining);
      f.remaining -= end - from;
      return this.take(from, end, out);
    }
    let i = from;
    while (i < to && f.state !== "done") {
      if (f.state === "data") {
        const end = Math.min(to, i + f.remaining);
        this.take(i, end, out);
        f.remaining -= end - i;
        i = end;
        if (f.remaining === 0) f.state = "data-end";
        continue;
      }
      const byte = bytes[i++]!;
      if (f.state === "data-end") {
        if (byte === LF) f.state = "size";
        else if (byte !== CR) throw new HttpFramingError("a chunk of the answer is longer than its size line says");
        continue;
      }
      if (byte !== LF) {
        if (f.line.length >= MAX_LINE_BYTES) throw new HttpFramingError("the answer has a chunk-size or trailer line that is too long");
        f.line += String.fromCharCode(byte);
        continue;
      }
      const line = f.line.endsWith("\r") ? f.line.slice(0, -1) : f.line;
      f.line = "";
      if (f.state === "trailer") {
        if (line === "") f.state = "done";
        continue;
      }
      const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
      if (!size) throw new HttpFramingError(`the answer has a chunk-size line that is not hexadecimal (${JSON.stringify(line.slice(0, 20))})`);
      f.remaining = parseInt(size[1]!, 16);
      f.state = f.remaining === 0 ? "trailer" : "data";
    }
  }

  private take(start: number, end: number, out: Array<[number, number]>): void {
    if (end <= start) return;
    const last = out.at(-1);
    if (last && last[1] === start) last[1] = end;
    else out.push([start, end]);
  }
}
