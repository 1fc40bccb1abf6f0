import { randomBytes } from "node:crypto";

/** Zoho Accounts' token rules (zoho-desk.md §1.5): lifetimes, the request throttle, how many tokens live at once. */
export const TOKEN_LIMITS = {
  liveAccessTokensPerRefreshToken: 10,
  tokenRequestsPerWindow: 10,
  throttleWindowMs: 10 * 60_000,
  refreshTokensPerClient: 20,
  webCodeTtlMs: 120_000,
  selfClientCodeTtlMs: 180_000,
} as const;

export interface RefreshTokenRecord {
  token: string;
  clientId: string;
  scopes: string[];
  createdAt: number;
  revoked: boolean;
  /** When access tokens were granted for it, within the throttle window. */
  grants: number[];
}

export interface AccessTokenRecord {
  token: string;
  /** Null for an online-only code exchange, which has no refresh token. */
  refreshToken: string | null;
  clientId: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
  /** Why the token stopped working before its expiry, if it did. */
  invalidated: null | "evicted" | "revoked";
}

interface AuthorizationCode {
  code: string;
  clientId: string;
  scopes: string[];
  redirectUri: string | null;
  expiresAt: number;
  used: boolean;
  offline: boolean;
}

export type TokenError = "invalid_code" | "invalid_redirect_uri" | "throttled";

export type TokenGrant =
  | { ok: true; access: AccessTokenRecord; refresh: RefreshTokenRecord | null; newRefreshToken: boolean }
  | { ok: false; error: TokenError };

/** Zoho token strings: `1000.` and two 32-hex-digit parts. */
export function zohoToken(): string {
  return `1000.${randomBytes(16).toString("hex")}.${randomBytes(16).toString("hex")}`;
}

export interface TokenStoreOptions {
  now: () => number;
  accessTokenTtlSeconds: number;
}

/** Every code, refresh token and access token Zoho Accounts has handed out, and the rules on them. */
export class TokenStore {
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private forcedThrottleUntil = 0;
  accessTokenTtlSeconds: number;

  constructor(private readonly options: TokenStoreOptions) {
    this.accessTokenTtlSeconds = options.accessTokenTtlSeconds;
  }

  private get now(): number {
    return this.options.now();
  }

  addRefreshToken(clientId: string, scopes: string[], token = zohoToken()): RefreshTokenRecord {
    const record: RefreshTokenRecord = { token, clientId, scopes, createdAt: this.now, revoked: false, grants: [] };
    this.refreshTokens.set(token, record);
    const live = [...this.refreshTokens.values()].filter((r) => r.clientId === clientId && !r.revoked);
    // The 21st refresh token of a client silently deletes the oldest, and its access tokens with it.
    if (live.length > TOKEN_LIMITS.refreshTokensPerClient) this.revokeRefreshToken(live[0]!.token);
    return record;
  }

  refreshToken(token: string): RefreshTokenRecord | undefined {
    return this.refreshTokens.get(token);
  }

  issueCode(options: { clientId: string; scopes: string[]; redirectUri: string | null; offline: boolean; selfClient: boolean }): string {
    const code = zohoToken();
    const ttl = options.selfClient ? TOKEN_LIMITS.selfClientCodeTtlMs : TOKEN_LIMITS.webCodeTtlMs;
    this.codes.set(code, { ...options, code, expiresAt: this.now + ttl, used: false });
    return code;
  }

  exchangeCode(code: string, clientId: string, redirectUri: string | null): TokenGrant {
    const record = this.codes.get(code);
    if (!record || record.used || record.clientId !== clientId || this.now >= record.expiresAt) return { ok: false, error: "invalid_code" };
    if (record.redirectUri !== null && redirectUri !== record.redirectUri) return { ok: false, error: "invalid_redirect_uri" };
    record.used = true;
    const refresh = record.offline ? this.addRefreshToken(clientId, record.scopes) : null;
    if (refresh) refresh.grants.push(this.now);
    return { ok: true, access: this.grantAccessToken(refresh, clientId, record.scopes), refresh, newRefreshToken: refresh !== null };
  }

  refresh(token: string, clientId: string): TokenGrant {
    const record = this.refreshTokens.get(token);
    if (!record || record.revoked || record.clientId !== clientId) return { ok: false, error: "invalid_code" };
    if (this.isThrottled(record)) return { ok: false, error: "throttled" };
    record.grants.push(this.now);
    return { ok: true, access: this.grantAccessToken(record, clientId, record.scopes), refresh: record, newRefreshToken: false };
  }

  /** Mints an access token outside the token endpoint (tests): not throttled, but it counts among the live ones. */
  mintAccessToken(refreshToken: string, options: { scopes?: string[]; ttlSeconds?: number } = {}): AccessTokenRecord {
    const record = this.refreshTokens.get(refreshToken);
    if (!record || record.revoked) throw new Error("mintAccessToken needs a live refresh token");
    return this.grantAccessToken(record, record.clientId, options.scopes ?? record.scopes, options.ttlSeconds);
  }

  /** The access token if Desk should accept it: known, not expired, evicted or revoked. */
  validAccessToken(token: string): AccessTokenRecord | null {
    const record = this.accessTokens.get(token);
    if (!record || record.invalidated || this.now >= record.expiresAt) return null;
    return record;
  }

  liveAccessTokens(refreshToken: string): AccessTokenRecord[] {
    return [...this.accessTokens.values()].filter((a) => a.refreshToken === refreshToken && !a.invalidated && this.now < a.expiresAt);
  }

  /** Revokes a refresh token (with its access tokens) or a single access token; false when unknown. */
  revoke(token: string): boolean {
    if (this.refreshTokens.has(token)) {
      this.revokeRefreshToken(token);
      return true;
    }
    const access = this.accessTokens.get(token);
    if (!access) return false;
    access.invalidated ??= "revoked";
    return true;
  }

  revokeRefreshToken(token: string): void {
    const record = this.refreshTokens.get(token);
    if (!record) return;
    record.revoked = true;
    for (const access of this.accessTokens.values()) if (access.refreshToken === token) access.invalidated ??= "revoked";
  }

  /** Every access token issued so far is past its expiry from now on. */
  expireAccessTokens(): void {
    for (const access of this.accessTokens.values()) access.expiresAt = Math.min(access.expiresAt, this.now);
  }

  /** All token requests get "Access Denied" for `ms`. */
  forceThrottle(ms: number): void {
    this.forcedThrottleUntil = this.now + ms;
  }

  clearThrottle(): void {
    this.forcedThrottleUntil = 0;
    for (const record of this.refreshTokens.values()) record.grants = [];
  }

  private isThrottled(record: RefreshTokenRecord): boolean {
    if (this.now < this.forcedThrottleUntil) return true;
    record.grants = record.grants.filter((t) => t > this.now - TOKEN_LIMITS.throttleWindowMs);
    return record.grants.length >= TOKEN_LIMITS.tokenRequestsPerWindow;
  }

  private grantAccessToken(refresh: RefreshTokenRecord | null, clientId: string, scopes: string[], ttlSeconds = this.accessTokenTtlSeconds): AccessTokenRecord {
    const access: AccessTokenRecord = {
      token: zohoToken(),
      refreshToken: refresh?.token ?? null,
      clientId,
      scopes,
      issuedAt: this.now,
      expiresAt: this.now + ttlSeconds * 1000,
      invalidated: null,
    };
    this.accessTokens.set(access.token, access);
    if (refresh) {
      // The 11th live access token of a refresh token silently invalidates the oldest.
      const live = this.liveAccessTokens(refresh.token).sort((a, b) => a.issuedAt - b.issuedAt);
      for (const old of live.slice(0, Math.max(0, live.length - TOKEN_LIMITS.liveAccessTokensPerRefreshToken))) old.invalidated = "evicted";
    }
    return access;
  }
}
