import type { z } from "zod";
import type { ZohoConfig } from "../config/config.js";
import { DeferredError, ServiceError } from "../lib/errors.js";
import { createHttpClient, networkError, retryAfterMs, statusError, type HttpClient } from "../lib/http.js";
import type { ServiceLimiter } from "../lib/limiter.js";
import { withRetries, type RetryListener, type RetryPolicy } from "../lib/retry.js";
import type { Logger } from "../log.js";
import { DeskErrorBody } from "./schema.js";
import type { ZohoTokenManager } from "./token-manager.js";

export interface DeskRequest<T> {
  method: "GET" | "POST";
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** For messages: "create ticket". */
  operation: string;
  callSid: string | null;
  /** The answer's shape; a 204 resolves to null. */
  schema: z.ZodType<T>;
}

export interface DeskClientDeps {
  limiter: ServiceLimiter;
  retry: RetryPolicy;
  tokens: ZohoTokenManager;
  logger: Logger;
  onRetry?: RetryListener;
}

/** Desk errors that no retry or refresh mends until the user changes the set-up; they block Zoho work instead of failing calls. */
const SETUP_ERRORS = new Set(["OAUTH_ORG_MISMATCH", "SCOPE_MISMATCH", "UNAUTHORIZED"]);

/**
 * Raw Zoho Desk HTTP: the `Zoho-oauthtoken` and `orgId` headers, one token refresh on
 * INVALID_OAUTH, the shared concurrency cap, and Zoho's error bodies turned into our errors.
 */
export class DeskClient {
  private readonly http: HttpClient;
  private lastSetupWarning = "";
  /**
   * Until then Desk's daily credits are spent. Requests are deferred at once rather than queued
   * behind a pause of hours, so a poll ends and `--once` exits instead of waiting that long.
   */
  private creditsBackAt = 0;

  constructor(
    private readonly config: ZohoConfig,
    private readonly deps: DeskClientDeps,
  ) {
    this.http = createHttpClient(config.deskApiUrl, 60_000);
  }

  /** GETs are retried freely; a POST only when Zoho certainly did not act on it (429, refused connection). */
  request<T>(request: DeskRequest<T>): Promise<T | null> {
    return withRetries(() => this.deps.limiter.run(() => this.send(request)), {
      policy: this.deps.retry,
      idempotent: request.method === "GET",
      limiter: this.deps.limiter,
      onRetry: this.deps.onRetry,
    });
  }

  private async send<T>(request: DeskRequest<T>): Promise<T | null> {
    if (Date.now() < this.creditsBackAt) throw new DeferredError("Zoho Desk API credits are used up for today", "blocked");
    let token = await this.deps.tokens.token();
    let response = await this.exchange(request, token);
    if (response.status === 401 && errorCodeOf(response.data) === "INVALID_OAUTH") {
      token = await this.deps.tokens.rejected(token);
      response = await this.exchange(request, token);
    }
    const { status, data, headers } = response;
    if (status === 204) return null;
    if (status >= 200 && status < 300) {
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        json = undefined;
      }
      const parsed = request.schema.safeParse(json);
      if (parsed.success) return parsed.data;
      // A create that answers garbage most likely happened: report it as an unknown outcome.
      throw new ServiceError(`zoho-desk: ${request.operation} answered an unexpected body`, {
        service: "zoho-desk",
        operation: request.operation,
        status,
        transient: true,
        maybeApplied: request.method === "POST",
        callSid: request.callSid,
      });
    }
    const body = DeskErrorBody.safeParse(safeJson(data));
    const code = body.success ? (body.data.errorCode ?? null) : null;
    const fields = body.success ? (body.data.errors ?? []).map((e) => `${e.fieldName ?? "?"} ${e.errorType ?? ""}`.trim()).join(", ") : "";
    const message = [body.success ? body.data.message : null, fields ? `(${fields})` : null].filter(Boolean).join(" ");
    const wait = retryAfterMs(headers);
    if (status === 429 && code === "THRESHOLD_EXCEEDED" && (wait ?? 0) > this.deps.retry.maxRetryAfterMs) {
      this.creditsBackAt = Date.now() + Math.min(wait ?? 3_600_000, 3_600_000);
      this.warnOnce(`Zoho Desk's daily API credits are used up (THRESHOLD_EXCEEDED); Zoho work pauses. Calls wait; none are lost.`);
      throw new DeferredError("Zoho Desk API credits are used up for today", "blocked");
    }
    if ((status === 401 || status === 403) && code !== null && SETUP_ERRORS.has(code)) {
      this.warnOnce(`Zoho Desk refused the request (${code}${message ? `: ${message}` : ""}). Check ZOHO_DESK_ORG_ID and the token's scopes (README, 'Zoho Desk set-up'). Calls wait; none are lost.`);
      throw new DeferredError(`Zoho Desk refused access (${code})`, "blocked");
    }
    return Promise.reject(statusError("zoho-desk", request.operation, status, { code, message, retryAfterMs: wait, callSid: request.callSid }));
  }

  private async exchange(request: DeskRequest<unknown>, token: string) {
    try {
      return await this.http.text({
        method: request.method,
        url: request.path,
        query: request.query,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        headers: {
          Authorization: `Zoho-oauthtoken ${token}`,
          orgId: this.config.orgId,
          ...(request.body === undefined ? {} : { "Content-Type": "application/json" }),
        },
      });
    } catch (error) {
      throw networkError(error, "zoho-desk", request.operation, request.callSid ?? undefined);
    }
  }

  private warnOnce(message: string): void {
    if (message === this.lastSetupWarning) return;
    this.lastSetupWarning = message;
    this.deps.logger.error(message);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorCodeOf(text: string): string | null {
  const body = DeskErrorBody.safeParse(safeJson(text));
  return body.success ? (body.data.errorCode ?? null) : null;
}
