import type { ZohoConfig } from "../config/config.js";
import { DeferredError, ServiceError } from "../lib/errors.js";
import { createHttpClient, networkError, type HttpClient } from "../lib/http.js";
import type { Logger } from "../log.js";
import { TokenResponse } from "./schema.js";

/** Refresh this long before Zoho's stated expiry, so no request goes out with a dying token. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** Zoho allows 10 token requests per 10 minutes per refresh token; we keep well inside it. */
const OWN_BUDGET = { requests: 5, windowMs: 10 * 60_000 };
/** After Zoho's "Access Denied" throttle, wait this long before asking again (doubling, capped). */
const THROTTLE_PAUSE_MS = { first: 10 * 60_000, max: 60 * 60_000 };
/** After Zoho sign-in failed for the moment (5xx, unreachable), the calls that come next do not each ask again. */
const UNAVAILABLE_PAUSE_MS = 30_000;

export interface TokenManagerDeps {
  logger: Logger;
  /** Writes the new access token to the env file (and nowhere else). */
  persist(accessToken: string): Promise<void>;
  /** Tells the logger a new secret exists. */
  learnSecret(accessToken: string): void;
  now?: () => number;
}

/**
 * Zoho access tokens live an hour and are rationed. This hands every Desk request a valid token,
 * refreshing one at a time for all concurrent requests: proactively before expiry, or when Desk
 * says INVALID_OAUTH. A throttled refresh pauses; a revoked refresh token stops Zoho work with one
 * clear message. Both are deferrals, so no call uses up its attempts meanwhile.
 */
export class ZohoTokenManager {
  private accessToken: string | null;
  /** Unknown for a token read from .env: it is used until Desk rejects it. */
  private expiresAt: number | null = null;
  private refreshing: Promise<string> | null = null;
  private pausedUntil = 0;
  private pauseReason = "";
  private throttlePauseMs = THROTTLE_PAUSE_MS.first;
  private readonly recent: number[] = [];
  private stopped: string | null = null;
  private readonly http: HttpClient;
  private readonly now: () => number;

  constructor(
    private readonly config: ZohoConfig,
    private readonly deps: TokenManagerDeps,
  ) {
    this.accessToken = config.accessToken;
    this.http = createHttpClient(config.accountsUrl, 30_000);
    this.now = deps.now ?? Date.now;
  }

  async token(): Promise<string> {
    if (this.stopped) throw new DeferredError(this.stopped, "blocked");
    if (this.accessToken && (this.expiresAt === null || this.expiresAt - this.now() > REFRESH_MARGIN_MS)) return this.accessToken;
    return this.refresh();
  }

  /** Desk refused `token` as INVALID_OAUTH: get a new one, unless another request already has. */
  async rejected(token: string): Promise<string> {
    if (this.accessToken === token) {
      this.accessToken = null;
      this.expiresAt = null;
    }
    return this.token();
  }

  private refresh(): Promise<string> {
    this.refreshing ??= this.requestToken().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async requestToken(): Promise<string> {
    const now = this.now();
    if (now < this.pausedUntil) throw new DeferredError(`Zoho sign-in is paused until ${new Date(this.pausedUntil).toISOString()} (${this.pauseReason})`, "blocked");
    while (this.recent.length > 0 && this.recent[0]! <= now - OWN_BUDGET.windowMs) this.recent.shift();
    if (this.recent.length >= OWN_BUDGET.requests) {
      this.pausedUntil = this.recent[0]! + OWN_BUDGET.windowMs;
      this.pauseReason = "pacing itself to stay inside Zoho's token limit";
      this.deps.logger.warn(`Zoho access token was refreshed ${this.recent.length} times in 10 minutes; pausing Zoho work until ${new Date(this.pausedUntil).toISOString()} to stay inside Zoho's limit`);
      throw new DeferredError("Zoho sign-in is pacing itself to stay inside Zoho's token limit", "blocked");
    }
    this.recent.push(now);

    const form = new URLSearchParams({
      grant_type: "refresh_token",
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      refresh_token: this.config.refreshToken,
    });
    let response;
    try {
      response = await this.http.text({ method: "POST", url: "/oauth/v2/token", body: form.toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    } catch (error) {
      throw this.unavailable(`Zoho sign-in is unreachable (${networkError(error, "zoho-accounts", "refresh token").message})`);
    }
    let body: TokenResponse | null = null;
    try {
      const parsed = TokenResponse.safeParse(JSON.parse(response.data));
      body = parsed.success ? parsed.data : null;
    } catch {
      body = null;
    }
    if (response.status === 200 && body?.access_token) {
      const token = body.access_token;
      const lifetime = Number(body.expires_in ?? 3600);
      this.accessToken = token;
      this.expiresAt = this.now() + (Number.isFinite(lifetime) && lifetime > 0 ? lifetime : 3600) * 1000;
      this.throttlePauseMs = THROTTLE_PAUSE_MS.first;
      this.deps.learnSecret(token);
      this.deps.logger.info("Refreshed the Zoho Desk access token");
      await this.deps.persist(token).catch((error: Error) => this.deps.logger.warn(`Could not save the new Zoho access token to the env file: ${error.message}`));
      return token;
    }
    const error = body?.error ?? null;
    if (error === "Access Denied" || /too many requests/i.test(body?.error_description ?? "")) {
      this.pausedUntil = this.now() + this.throttlePauseMs;
      this.pauseReason = "Zoho throttled token requests";
      this.deps.logger.warn(`Zoho throttled token requests ("too many requests"); Zoho work pauses until ${new Date(this.pausedUntil).toISOString()}. Calls wait; none are lost.`);
      this.throttlePauseMs = Math.min(this.throttlePauseMs * 2, THROTTLE_PAUSE_MS.max);
      throw new DeferredError("Zoho throttled token requests", "blocked");
    }
    if (error === "invalid_code" || error === "invalid_client" || error === "invalid_client_secret") {
      const message = STOP_MESSAGES[error];
      this.stopped = message;
      this.deps.logger.error(message);
      throw new DeferredError(message, "blocked");
    }
    if (response.status >= 500 || response.status === 429) {
      throw this.unavailable(`Zoho sign-in answered HTTP ${response.status}`);
    }
    throw new ServiceError(`zoho-accounts: refresh token failed: HTTP ${response.status}${error ? ` ${error}` : " (unexpected answer)"}`, {
      service: "zoho-accounts",
      operation: "refresh token",
      status: response.status,
      code: error,
      transient: false,
    });
  }

  /** Zoho sign-in is down for now: said once (the poll's summary points to it), and not asked again for a little while. */
  private unavailable(message: string): DeferredError {
    this.pausedUntil = this.now() + UNAVAILABLE_PAUSE_MS;
    this.pauseReason = message;
    this.deps.logger.warn(`${message}; Zoho work waits and is tried again in ${UNAVAILABLE_PAUSE_MS / 1000} s. Calls wait; none are lost.`);
    return new DeferredError(message, "blocked");
  }
}

const STOP_MESSAGES: Record<"invalid_code" | "invalid_client" | "invalid_client_secret", string> = {
  invalid_code:
    "Zoho rejected ZOHO_DESK_REFRESH_TOKEN (invalid_code): it was revoked, or it belongs to another Zoho data centre. " +
    "Create a new refresh token (README, 'Zoho Desk set-up'), put it in .env and restart. Calls wait meanwhile; none are lost or used up.",
  invalid_client:
    "Zoho does not know ZOHO_DESK_CLIENT_ID (invalid_client). Check the Client ID in api-console.zoho.com, and that ZOHO_DESK_API_DOMAIN " +
    "is your data centre's Desk address (e.g. https://desk.zoho.in). Fix .env and restart. Calls wait meanwhile.",
  invalid_client_secret:
    "Zoho rejected ZOHO_DESK_CLIENT_SECRET (invalid_client_secret). Copy the Client Secret again from api-console.zoho.com into .env and restart. Calls wait meanwhile.",
};
