import type { Config } from "../config/config.js";
import { downloadToFile, type DownloadAnswer } from "../lib/download-to-file.js";
import { ServiceError } from "../lib/errors.js";
import { createHttpClient, networkError, retryAfterMs, statusError, type HttpClient } from "../lib/http.js";
import type { ServiceLimiter } from "../lib/limiter.js";
import { withRetries, type RetryListener, type RetryPolicy } from "../lib/retry.js";
import { ExotelCallPage, RestException } from "./schema.js";

export interface ExotelClientDeps {
  /** Exotel's per-account API budget (200 requests a minute). */
  limiter: ServiceLimiter;
  /** Recordings come from a separate host outside that budget; this only caps parallel downloads. */
  downloadLimiter: ServiceLimiter;
  retry: RetryPolicy;
  onRetry?: RetryListener;
}

/** Answers that are an error page, not a recording, whatever their status. */
const TEXT_TYPES = /json|html|xml|text\//i;

/** Recording hosts that get our Basic credentials; anything else (an S3 URL, a signed URL) is fetched without. */
const EXOTEL_HOST = /(^|\.)exotel\.(com|in)$/i;

/**
 * Whether the recording host redirects (say, 302 to a presigned S3 URL) is unconfirmed
 * (exotel.md §5), so every redirect that keeps a GET a GET is followed, up to a limit only a
 * loop reaches.
 */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

function recordingError(callSid: string, message: string, how: { status: number; transient: boolean }): ServiceError {
  return new ServiceError(`exotel: recording for ${callSid} ${message}`, { service: "exotel", operation: "download recording", ...how, callSid });
}

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

  /**
   * Streams a recording to `temporaryFile`, following redirects; throws unless every byte the
   * server announced arrived. Errors never name a URL: a presigned one's query is a credential.
   */
  async download(url: string, temporaryFile: string, callSid: string): Promise<number> {
    const target = new URL(url, this.config.baseUrl);
    return this.withRetries(this.deps.downloadLimiter, async () => {
      // The whole chain is one try: a retry starts again from `url`, as a presigned URL met on
      // the way may have expired by then.
      const answer = await this.followRedirects(target, temporaryFile, callSid);
      if (answer.status !== 200) throw this.errorFrom("download recording", answer.status, answer.text, answer.headers, callSid);
      const type = answer.headers["content-type"] ?? "";
      // A bad body may be a passing fault (a proxy's page, a dropped connection): worth trying again.
      const failure = (message: string) => recordingError(callSid, message, { status: 200, transient: true });
      if (TEXT_TYPES.test(type)) throw failure(`came back as ${type}, not audio`);
      const expected = Number(answer.headers["content-length"]);
      if (!answer.complete) throw failure(`was cut short (${answer.bytes}${Number.isFinite(expected) ? ` of ${expected}` : ""} bytes)`);
      if (answer.bytes === 0) throw failure("is empty");
      return answer.bytes;
    });
  }

  /** GETs `start` and the redirects it leads to; resolves with the first answer that is not one. */
  private async followRedirects(start: URL, file: string, callSid: string): Promise<DownloadAnswer> {
    // A loop, or a redirect to something we cannot fetch, will not mend on a retry.
    const refused = (status: number, message: string) => recordingError(callSid, message, { status, transient: false });
    let target = start;
    for (let redirects = 0; ; redirects++) {
      let answer;
      try {
        answer = await downloadToFile({
          url: target,
          headers: this.getsCredentials(target, start) ? { Authorization: this.authorization } : {},
          timeoutMs: 300_000,
          file,
          wanted: (head) => head.status === 200 && !TEXT_TYPES.test(head.headers["content-type"] ?? ""),
        });
      } catch (error) {
        throw networkError(error, "exotel", "download recording", callSid);
      }
      const location = answer.headers["location"];
      if (!REDIRECTS.has(answer.status) || !location) return answer;
      if (redirects === MAX_REDIRECTS) throw refused(answer.status, `redirected more than ${MAX_REDIRECTS} times`);
      const next = URL.canParse(location, target.href) ? new URL(location, target) : null;
      if (!next || !/^https?:$/.test(next.protocol)) throw refused(answer.status, "was redirected to an address that is not http or https");
      target = next;
    }
  }

  /**
   * Our key and token go only to Exotel's own hosts, so a redirect elsewhere (to S3) drops them;
   * never along with a presigned URL, which needs none (S3 refuses a request carrying both); and
   * after a redirect, only over HTTPS or to the URL's own origin, so no hop sends them in clear.
   */
  private getsCredentials(url: URL, start: URL): boolean {
    const exotelHost = url.host === this.apiHost || EXOTEL_HOST.test(url.hostname);
    const safeHop = url === start || url.protocol === "https:" || url.origin === start.origin;
    return exotelHost && safeHop && !url.searchParams.has("X-Amz-Signature");
  }

  private withRetries<T>(limiter: ServiceLimiter, run: () => Promise<T>): Promise<T> {
    return withRetries(() => limiter.run(run), {
      policy: this.deps.retry,
      idempotent: true,
      limiter,
      onRetry: this.deps.onRetry,
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
