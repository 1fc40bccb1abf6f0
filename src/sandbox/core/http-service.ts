import { createHash } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { FaultInjector, type Fault } from "./faults.js";

export interface SandboxRequest {
  /** Increasing number across the service, from 1. */
  id: number;
  service: string;
  method: string;
  /** Path without the query string, e.g. `/v1/Accounts/acme1/Calls.json`. */
  path: string;
  query: URLSearchParams;
  /** The query string exactly as sent (without `?`), for assertions on encoding. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /** The body; for large uploads only the first `recordBodyLimit` bytes are kept in the log. */
  body: Buffer;
  bodySize: number;
  bodySha256: string;
  /** Clock time (ms) when the request arrived. */
  receivedAt: number;
  /** Status sent, or null while pending / when the connection was dropped. */
  responseStatus: number | null;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; a Readable is streamed. */
  body?: string | Buffer | Readable | object | null;
}

export type Handler = (request: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

export interface EmulatedServiceOptions {
  /** Added before every request is handled, in ms. */
  latencyMs?: number;
  /** Request bodies larger than this are kept truncated in `requests` (the handler still sees all). */
  recordBodyLimit?: number;
  now?: () => number;
}

/**
 * One emulated outside service: an HTTP server on 127.0.0.1 that records what it receives,
 * applies scripted faults, and hands everything else to the service's handler.
 */
export class EmulatedService extends EventEmitter {
  readonly faults = new FaultInjector();
  readonly requests: SandboxRequest[] = [];
  latencyMs: number;
  inFlight = 0;
  peakInFlight = 0;
  private server: Server | null = null;
  private baseUrl = "";
  private nextId = 1;
  private readonly holds = new Set<() => void>();
  private readonly recordBodyLimit: number;
  private readonly now: () => number;

  constructor(
    readonly name: string,
    private readonly handler: Handler,
    options: EmulatedServiceOptions = {},
  ) {
    super();
    this.latencyMs = options.latencyMs ?? 0;
    this.recordBodyLimit = options.recordBodyLimit ?? 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  get url(): string {
    if (!this.server) throw new Error(`${this.name} emulator is not started`);
    return this.baseUrl;
  }

  async start(port = 0, host = "127.0.0.1"): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    this.server = server;
    this.baseUrl = `http://${host}:${address.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const release of [...this.holds]) release();
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Forget recorded requests and the in-flight peak (faults stay). */
  resetLog(): void {
    this.requests.length = 0;
    this.peakInFlight = this.inFlight;
  }

  /** Resolves with the first recorded or future request that satisfies `predicate`. */
  waitForRequest(predicate: (r: SandboxRequest) => boolean, timeoutMs = 30_000): Promise<SandboxRequest> {
    const existing = this.requests.find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const onRequest = (r: SandboxRequest) => {
        if (!predicate(r)) return;
        clearTimeout(timer);
        this.off("request", onRequest);
        resolve(r);
      };
      const timer = setTimeout(() => {
        this.off("request", onRequest);
        reject(new Error(`${this.name}: no matching request within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on("request", onRequest);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight += 1;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    res.on("close", () => {
      this.inFlight -= 1;
    });
    let record: SandboxRequest | null = null;
    try {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", "http://sandbox.invalid");
      const rawQuery = (req.url ?? "").includes("?") ? (req.url ?? "").slice((req.url ?? "").indexOf("?") + 1) : "";
      record = {
        id: this.nextId++,
        service: this.name,
        method: (req.method ?? "GET").toUpperCase(),
        path: decodeURIComponent(url.pathname),
        query: url.searchParams,
        rawQuery,
        headers: req.headers,
        body,
        bodySize: body.length,
        bodySha256: createHash("sha256").update(body).digest("hex"),
        receivedAt: this.now(),
        responseStatus: null,
      };
      // A copy of the prefix: a view would keep the whole upload alive (a thousand 5 MB recordings).
      this.requests.push({ ...record, body: body.length > this.recordBodyLimit ? Buffer.from(body.subarray(0, this.recordBodyLimit)) : body });
      const logged = this.requests[this.requests.length - 1]!;
      this.emit("request", logged);

      const fault = this.faults.take(record.method, record.path);
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      const before = await this.applyFaultBefore(fault, res, logged);
      if (before === "done") return;
      const response = before ?? (await this.handler(record));
      if (fault?.kind === "commit-then-drop") {
        res.destroy();
        return;
      }
      if (fault?.kind === "commit-then-stall") {
        this.emit("stalled", logged);
        await this.hold(fault.ms);
        res.destroy();
        return;
      }
      if (fault?.kind === "commit-then-malformed") {
        if (response.body instanceof Readable) response.body.destroy();
        logged.responseStatus = 200;
        await send(res, { status: 200, headers: { "content-type": fault.contentType ?? "application/json" }, body: fault.body ?? MALFORMED_BODY });
        this.emit("response", logged);
        return;
      }
      if (fault?.kind === "truncate") {
        logged.responseStatus = response.status;
        await sendTruncated(res, response, fault.bytes);
        return;
      }
      logged.responseStatus = response.status;
      await send(res, response);
      this.emit("response", logged);
    } catch (error) {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(`sandbox ${this.name} handler crashed: ${(error as Error).message}`);
      } else {
        res.destroy();
      }
      this.emit("handler-error", error, record);
    }
  }

  /** Returns a response to send instead of the handler's, "done" when the fault answered itself, or undefined. */
  private async applyFaultBefore(fault: Fault | undefined, res: ServerResponse, logged: SandboxRequest): Promise<SandboxResponse | "done" | undefined> {
    if (!fault) return undefined;
    switch (fault.kind) {
      case "status":
        return { status: fault.status, headers: fault.headers, body: fault.body ?? null };
      case "malformed":
        return {
          status: 200,
          headers: { "content-type": fault.contentType ?? "application/json" },
          body: fault.body ?? MALFORMED_BODY,
        };
      case "drop":
        res.destroy();
        return "done";
      case "stall":
        this.emit("stalled", logged);
        await this.hold(fault.ms);
        res.destroy();
        return "done";
      case "delay":
        await sleep(fault.ms);
        return undefined;
      default:
        return undefined;
    }
  }

  private hold(ms: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.holds.delete(release);
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(release, ms);
      this.holds.add(release);
    });
  }
}

/** What a `malformed` answer says unless told otherwise: JSON cut off mid-value. */
const MALFORMED_BODY = '{"truncated": tr';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function send(res: ServerResponse, response: SandboxResponse): Promise<void> {
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === "content-type");
  const body = response.body;
  if (body instanceof Readable) {
    res.writeHead(response.status, headers);
    await new Promise<void>((resolve) => {
      body.on("error", () => {
        res.destroy();
        resolve();
      });
      res.on("close", () => resolve());
      body.pipe(res);
    });
    return;
  }
  let payload: Buffer | string = "";
  if (body === undefined || body === null) payload = "";
  else if (typeof body === "string" || Buffer.isBuffer(body)) payload = body;
  else {
    payload = JSON.stringify(body);
    if (!hasType) headers["content-type"] = "application/json";
  }
  headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(response.status, headers);
  res.end(payload);
}

/** Sends the status and headers (announcing the whole body's length) and the first `bytes` bytes, then drops the connection. */
async function sendTruncated(res: ServerResponse, response: SandboxResponse, bytes: number): Promise<void> {
  const body = response.body;
  let payload: Buffer;
  if (body instanceof Readable) {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    payload = Buffer.concat(chunks);
  } else if (body === undefined || body === null) payload = Buffer.alloc(0);
  else if (typeof body === "string" || Buffer.isBuffer(body)) payload = Buffer.from(body);
  else payload = Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  for (const name of Object.keys(headers)) if (name.toLowerCase() === "content-length") delete headers[name];
  headers["content-length"] = String(payload.length);
  res.writeHead(response.status, headers);
  await new Promise<void>((resolve) => res.write(payload.subarray(0, Math.min(bytes, payload.length)), () => resolve()));
  res.destroy();
}
