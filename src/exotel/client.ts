import { createWriteStream, promises as fs } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import type { Config } from "../config/config.js";
import { ServiceError } from "../lib/errors.js";
import { createHttpClient, networkError, retryAfterMs, statusError, type HttpClient } from "../lib/http.js";
import type { ServiceLimiter } from "../lib/limiter.js";
import { withRetries, type RetryPolicy } from "../lib/retry.js";
import { ExotelCallPage, RestException } from "./schema.js";

export interface ExotelClientDeps {
  /** Exotel's per-account API budget (200 requests a minute). */
  limiter: ServiceLimiter;
  /** Recordings come from a separate host outside that budget; this only caps parallel downloads. */
  downloadLimiter: ServiceLimiter;
  retry: RetryPolicy;
  onRetry?: (error: ServiceError, delayMs: number) => void;
}

/** How much of a recording may wait in memory for the disk while it downloads. */
const DOWNLOAD_BUFFER_BYTES = 1024 * 1024;

/** Recording hosts that get our Basic credentials; anything else (an S3 URL, a signed URL) is fetched without. */
const EXOTEL_HOST = /(^|\.)exotel\.(com|in)$/i;

/** The raw HTTP side of Exotel: Basic auth, RestException errors, retries within the account's budget. */
export class ExotelClient {
  private readonly http: HttpClient;
  private readonly authorization: string;
  private readonly apiHost: string;

  constructor(
    private readonly config: Config["exotel"],
    private readonly deps: ExotelClientDeps,
  ) {
    this.http = createHttpClient(config.baseUrl, 60_000);
    this.authorization = `Basic ${Buffer.from(`${config.apiKey}:${config.apiToken}`).toString("base64")}`;
    this.apiHost = new URL(config.baseUrl).host;
  }

  /** GETs a page of the call list; `pathAndQuery` is ours or Exotel's relative `NextPageUri`. */
  async getCallPage(pathAndQuery: string): Promise<ExotelCallPage> {
    return this.withRetries(this.deps.limiter, async () => {
      let response;
      try {
        response = await this.http.text({ url: pathAndQuery, headers: { Authorization: this.authorization, Accept: "application/json" } });
      } catch (error) {
        throw networkError(error, "exotel", "list calls");
      }
      if (response.status !== 200) throw this.errorFrom("list calls", response.status, response.data, response.headers);
      let body: unknown;
      try {
        body = JSON.parse(response.data);
      } catch {
        throw new ServiceError("exotel: list calls answered with a body that is not JSON", { service: "exotel", operation: "list calls", status: 200, transient: true });
      }
      const page = ExotelCallPage.safeParse(body);
      if (!page.success) {
        throw new ServiceError(`exotel: list calls answered an unexpected shape (${page.error.issues[0]?.path.join(".")}: ${page.error.issues[0]?.message})`, {
          service: "exotel",
          operation: "list calls",
          status: 200,
          transient: true,
        });
      }
      return page.data;
    });
  }

  /** Streams a recording to `temporaryFile`; throws unless every byte the server announced arrived. */
  async download(url: string, temporaryFile: string, callSid: string): Promise<number> {
    const target = new URL(url, this.config.baseUrl);
    const withCredentials = target.host === this.apiHost || EXOTEL_HOST.test(target.hostname);
    return this.withRetries(this.deps.downloadLimiter, async () => {
      let response;
      try {
        response = await this.http.stream({
          url: target.toString(),
          timeoutMs: 300_000,
          headers: withCredentials ? { Authorization: this.authorization } : {},
        });
      } catch (error) {
        throw networkError(error, "exotel", "download recording", callSid);
      }
      const stream = response.data;
      if (response.status !== 200) {
        const text = await readSome(stream);
        throw this.errorFrom("download recording", response.status, text, response.headers, callSid);
      }
      const type = String(response.headers["content-type"] ?? "");
      if (/json|html|xml|text\//i.test(type)) {
        stream.destroy();
        throw new ServiceError(`exotel: recording for ${callSid} came back as ${type}, not audio`, {
          service: "exotel",
          operation: "download recording",
          status: 200,
          transient: true,
          callSid,
        });
      }
      const expected = Number(response.headers["content-length"]);
      let size: number;
      try {
        // Up to 1 MiB queued for the disk (the default is 16 KiB): the socket's chunks go out in few large writes.
        await pipeline(stream, createWriteStream(temporaryFile, { highWaterMark: DOWNLOAD_BUFFER_BYTES }));
        const handle = await fs.open(temporaryFile, "r+");
        try {
          await handle.sync();
          size = (await handle.stat()).size;
        } finally {
          await handle.close();
        }
      } catch (error) {
        throw networkError(error, "exotel", "download recording", callSid);
      }
      if (Number.isFinite(expected) && expected > 0 && size !== expected) {
        throw new ServiceError(`exotel: recording for ${callSid} was cut short (${size} of ${expected} bytes)`, {
          service: "exotel",
          operation: "download recording",
          status: 200,
          transient: true,
          callSid,
        });
      }
      if (size === 0) {
        throw new ServiceError(`exotel: recording for ${callSid} is empty`, { service: "exotel", operation: "download recording", status: 200, transient: true, callSid });
      }
      return size;
    });
  }

  private withRetries<T>(limiter: ServiceLimiter, run: () => Promise<T>): Promise<T> {
    return withRetries(() => limiter.run(run), {
      policy: this.deps.retry,
      idempotent: true,
      limiter,
      onRetry: (error, delay) => this.deps.onRetry?.(error, delay),
    });
  }

  private errorFrom(operation: string, status: number, body: string, headers: Record<string, unknown>, callSid?: string): ServiceError {
    let message: string | null = null;
    try {
      const parsed = RestException.safeParse(JSON.parse(body));
      if (parsed.success) message = parsed.data.RestException.Message ?? null;
    } catch {
      message = body.trim().startsWith("<") ? "(an HTML/XML page)" : null;
    }
    return statusError("exotel", operation, status, { message, retryAfterMs: retryAfterMs(headers), callSid });
  }
}

async function readSome(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > 4096) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).toString("utf8").slice(0, 4096);
}
