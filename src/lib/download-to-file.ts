import { promises as fs } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import net from "node:net";
import tls from "node:tls";
import { BodyDecoder, isInterim, parseResponseHead, type ResponseHead } from "./http-framing.js";
import { USER_AGENT } from "./http.js";

export interface DownloadRequest {
  url: URL;
  headers: Record<string, string>;
  /** Longest silence allowed while connecting, waiting for the answer, or between pieces of it. */
  timeoutMs: number;
  file: string;
  /** Whether this answer's body belongs in the file; any other answer keeps the start of its body as text. */
  wanted(head: ResponseHead): boolean;
  /** For HTTPS, the certificates to trust instead of Node's usual ones (a private CA, a test server). */
  ca?: string | Buffer;
}

export interface DownloadAnswer extends ResponseHead {
  /** Content bytes written to the file (0 when the answer was not wanted). */
  bytes: number;
  /** False when the connection ended before the body did: the file holds only a part. */
  complete: boolean;
  /** The first few KB of an unwanted answer's body (for its error message); "" for a wanted one. */
  text: string;
}

/** Bytes read from the socket at a time. */
const READ_BYTES = 64 * 1024;
/** Bytes gathered before one write to the file. */
const STAGE_BYTES = 512 * 1024;
/** How much of an unwanted answer's body is kept. */
const TEXT_BYTES = 4096;
/** Buffers kept for later downloads; more than this in flight at once get their own, freed after. */
const POOLED_BUFFERS = 16;

/**
 * Memory for one download: the socket reads into its first part, the file is written from the
 * rest. Reused from download to download, because with a stream every 64 KiB read is a fresh
 * buffer, and a 5 MB recording's eighty of them wait for V8's garbage collector: over a
 * thousand-call backlog that kept a full collection running every half second (bench/RESULTS.md).
 */
const pool: Buffer[] = [];

/**
 * GETs `url` over HTTP/1.1 (one connection, closed after) and streams a wanted answer's body to
 * `file`, which is created, written and fsynced; an unwanted answer creates no file, a failure may
 * leave part of one (the caller removes it). Proxies are not used and redirects not followed (a
 * redirect is an answer like any other, its Location in `headers`, for the caller to follow). Network
 * failures reject with the socket's error, whose `code` says what happened (ECONNREFUSED,
 * ETIMEDOUT, ERR_HTTP_FRAMING …).
 *
 * Hand-written rather than undici or node:http because both hand the body over as a fresh buffer
 * per read, which is what this module exists to avoid; everything else HTTP is left to undici.
 */
export async function downloadToFile(request: DownloadRequest): Promise<DownloadAnswer> {
  const memory = pool.pop() ?? Buffer.allocUnsafeSlow(READ_BYTES + STAGE_BYTES);
  const download = new Download(request, memory);
  try {
    return await download.run();
  } finally {
    if (!download.holdsMemory && pool.length < POOLED_BUFFERS) pool.push(memory);
  }
}

class Download {
  private readonly read: Buffer;
  private readonly stage: Buffer;
  private staged = 0;
  private ranges: Array<[number, number]> = [];
  private headBytes: Buffer | null = Buffer.alloc(0);
  private head: ResponseHead | null = null;
  private decoder: BodyDecoder | null = null;
  private file: FileHandle | null = null;
  private wanted = false;
  private text: Buffer[] = [];
  private textBytes = 0;
  private written = 0;
  private socket: net.Socket | null = null;
  private flushing: Promise<void> | null = null;
  /** Copies of bytes that came while the stage was being written out. */
  private overflow: Buffer[] = [];
  private finished = false;
  private settle!: { resolve(answer: DownloadAnswer): void; reject(error: unknown): void };
  /** Until the socket has closed, a late read could still land in the memory: not reusable yet. */
  holdsMemory = true;

  constructor(
    private readonly request: DownloadRequest,
    memory: Buffer,
  ) {
    this.read = memory.subarray(0, READ_BYTES);
    this.stage = memory.subarray(READ_BYTES);
  }

  run(): Promise<DownloadAnswer> {
    return new Promise<DownloadAnswer>((resolve, reject) => {
      this.settle = { resolve, reject };
      let socket: net.Socket;
      let requestText: string;
      try {
        requestText = this.requestText();
        socket = this.connect();
      } catch (error) {
        this.holdsMemory = false;
        return reject(error);
      }
      this.socket = socket;
      socket.setTimeout(this.request.timeoutMs, () => socket.destroy(Object.assign(new Error("the download went silent"), { code: "ETIMEDOUT" })));
      socket.on("error", (error) => this.fail(error));
      socket.on("close", () => {
        // A write to the file may still be reading the stage.
        void Promise.resolve(this.flushing)
          .catch(() => {})
          .finally(() => (this.holdsMemory = false));
        void this.onClose();
      });
      socket.write(requestText, "latin1");
    }).finally(() => this.file?.close().catch(() => {}));
  }

  private connect(): net.Socket {
    const { url } = this.request;
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const onread = { buffer: this.read, callback: (bytes: number) => this.onData(bytes) };
    if (url.protocol === "https:") {
      return tls.connect({ host, port: Number(url.port) || 443, servername: net.isIP(host) ? undefined : host, ca: this.request.ca, onread } as tls.ConnectionOptions);
    }
    if (url.protocol === "http:") return net.connect({ host, port: Number(url.port) || 80, onread });
    throw new TypeError(`cannot download from a ${url.protocol} address`);
  }

  private requestText(): string {
    const { url, headers } = this.request;
    const lines = [`GET ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`, `User-Agent: ${USER_AGENT}`, "Accept: */*", "Connection: close"];
    for (const [name, value] of Object.entries(headers)) {
      if (/[\r\n]/.test(name + value)) throw new TypeError(`header ${name} holds a line break`);
      lines.push(`${name}: ${value}`);
    }
    return `${lines.join("\r\n")}\r\n\r\n`;
  }

  /** Bytes arrived in `this.read`; returning false pauses the socket until the file has caught up. */
  private onData(count: number): boolean {
    if (this.finished) return false;
    try {
      let chunk = this.read.subarray(0, count);
      if (this.flushing) {
        // Pausing is a request, not a promise (TLS may still hand over what it has decrypted), and
        // the next read reuses this memory: keep a copy for when the write is done.
        this.overflow.push(Buffer.from(chunk));
        return false;
      }
      if (this.headBytes) {
        // The head is copied out for the same reason.
        this.headBytes = Buffer.concat([this.headBytes, chunk]);
        for (;;) {
          const parsed = parseResponseHead(this.headBytes);
          if (!parsed) return true;
          const rest = this.headBytes.subarray(parsed.length);
          if (isInterim(parsed.head)) {
            this.headBytes = rest;
            continue;
          }
          this.headBytes = null;
          this.startBody(parsed.head);
          chunk = rest;
          break;
        }
      }
      return this.take(chunk);
    } catch (error) {
      this.socket?.destroy(error as Error);
      return false;
    }
  }

  private startBody(head: ResponseHead): void {
    this.head = head;
    this.decoder = new BodyDecoder(head);
    this.wanted = this.request.wanted(head);
  }

  /**
   * Copies body bytes into the stage. When it is full, writes it out and pauses reading
   * meanwhile; what is left of `chunk` is copied aside, as its memory is about to be reused.
   */
  private take(chunk: Buffer): boolean {
    const decoder = this.decoder!;
    while (chunk.length > 0 && !decoder.done && !this.enoughText()) {
      const count = Math.min(chunk.length, this.stage.length - this.staged);
      chunk.copy(this.stage, this.staged, 0, count);
      decoder.feed(this.stage, this.staged, this.staged + count, this.ranges);
      this.staged += count;
      chunk = chunk.subarray(count);
      if (this.staged === this.stage.length) {
        if (chunk.length > 0) this.overflow.push(Buffer.from(chunk));
        this.startFlush();
        return false;
      }
    }
    if (decoder.done || this.enoughText()) {
      // All we need has come; the server closes its side anyway (Connection: close).
      this.socket?.destroy();
      return false;
    }
    return true;
  }

  private startFlush(): void {
    this.flushing = this.flush().then(() => {
      this.flushing = null;
      if (this.finished) return;
      let reading = true;
      while (reading && this.overflow.length > 0 && !this.flushing) reading = this.take(this.overflow.shift()!);
      if (reading && !this.flushing) this.socket?.resume();
    });
    this.flushing.catch((error: unknown) => this.socket?.destroy(error as Error));
  }

  /** An unwanted answer is read only as far as its message needs. */
  private enoughText(): boolean {
    return !this.wanted && this.textBytes + this.pendingContent() >= TEXT_BYTES;
  }

  private pendingContent(): number {
    return this.ranges.reduce((sum, [start, end]) => sum + end - start, 0);
  }

  /** Writes the staged content to the file (or keeps it as text) and empties the stage. */
  private async flush(): Promise<void> {
    const pieces = this.ranges.map(([start, end]) => this.stage.subarray(start, end));
    this.ranges = [];
    if (this.wanted) {
      const file = await this.openFile();
      let bytes = pieces.reduce((sum, piece) => sum + piece.length, 0);
      while (bytes > 0) {
        const { bytesWritten } = await file.writev(pieces);
        this.written += bytesWritten;
        bytes -= bytesWritten;
        if (bytes > 0) trimFront(pieces, bytesWritten);
      }
    } else {
      for (const piece of pieces) {
        const keep = piece.subarray(0, Math.max(0, TEXT_BYTES - this.textBytes));
        this.text.push(Buffer.from(keep));
        this.textBytes += keep.length;
      }
    }
    this.staged = 0;
  }

  /** The file is created with the first content, so an unwanted answer leaves none. */
  private async openFile(): Promise<FileHandle> {
    this.file ??= await fs.open(this.request.file, "w");
    return this.file;
  }

  private async onClose(): Promise<void> {
    if (this.finished) return;
    try {
      // Bytes that came during the last write are taken in before the end is judged.
      while (this.flushing || this.overflow.length > 0) {
        await this.flushing;
        if (this.finished) return;
        while (this.overflow.length > 0 && !this.flushing) this.take(this.overflow.shift()!);
      }
      if (!this.head || !this.decoder) throw Object.assign(new Error("the connection closed before an answer came"), { code: "ECONNRESET" });
      await this.flush();
      const complete = this.decoder.done || this.decoder.endsWithConnection;
      if (this.wanted) await (await this.openFile()).sync();
      this.finished = true;
      const text = this.wanted ? "" : Buffer.concat(this.text).toString("utf8");
      this.settle.resolve({ ...this.head, bytes: this.written, complete: this.wanted ? complete : true, text });
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.socket?.destroy();
    this.settle.reject(error instanceof Error && !("code" in error) ? Object.assign(error, { code: "ECONNRESET" }) : error);
  }
}

/** Drops the first `count` bytes of `pieces` after a short write. */
function trimFront(pieces: Buffer[], count: number): void {
  while (count > 0 && pieces.length > 0) {
    const first = pieces[0]!;
    if (first.length <= count) {
      count -= first.length;
      pieces.shift();
    } else {
      pieces[0] = first.subarray(count);
      count = 0;
    }
  }
}
