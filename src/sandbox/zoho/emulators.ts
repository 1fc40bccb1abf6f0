import { FaultInjector, type FaultMatch } from "../core/faults.js";
import { EmulatedService } from "../core/http-service.js";
import { createAccountsHandler } from "./accounts-service.js";
import { CreditPool } from "./desk-credits.js";
import { thresholdExceeded, tooManyRequests } from "./desk-errors.js";
import type { DeskComment, DeskContact, DeskTicket, StoredAttachment } from "./desk-records.js";
import type { DeskSettings } from "./desk-request.js";
import { createDeskHandler } from "./desk-service.js";
import { DeskStore, type NewContact, type NewTicket } from "./desk-store.js";
import { TOKEN_LIMITS, TokenStore } from "./oauth-tokens.js";
import { containsText } from "./search-match.js";
import { SANDBOX_ZOHO_DEFAULTS, type ZohoEmulatorOptions } from "./options.js";

/** The state both services share: tokens Accounts issues are the ones Desk accepts. */
export interface ZohoState {
  tokens: TokenStore;
  desk: DeskStore;
  credits: CreditPool;
  /** Requests to Desk in flight beyond this get 429 TOO_MANY_REQUESTS; null for no cap. */
  concurrencyLimit: number | null;
}

export interface InjectOptions {
  /** How many requests; default 1, `Infinity` for all. */
  times?: number;
  /** Which requests (method, full path such as `/api/v1/tickets`); default any. */
  match?: FaultMatch;
}

export interface ZohoEmulators {
  accounts: EmulatedService;
  desk: EmulatedService;
  state: ZohoState;
  orgId: string;
  clientId: string;
  clientSecret: string;
  /** The refresh token valid from the start. */
  refreshToken: string;
  /** Answers Desk gives after authentication (so they carry the rate-limit headers); `status` faults only. */
  deskFaults: FaultInjector;
  /** Starts both services; returns their base URLs (Desk's API is under `${deskUrl}/api/v1`). */
  start(): Promise<{ accountsUrl: string; deskUrl: string }>;
  stop(): Promise<void>;

  /** An access token Desk accepts, made without the token endpoint (not throttled; counts among the 10 live). */
  issueAccessToken(options?: { refreshToken?: string; scopes?: string[]; ttlSeconds?: number }): string;
  /** A single-use code for `grant_type=authorization_code` (self-client: 3 min, web: 2 min with `redirectUri`). */
  issueAuthorizationCode(options?: { scopes?: string[]; redirectUri?: string; offline?: boolean }): string;
  /** A further refresh token for the client (as a new consent would give). */
  issueRefreshToken(scopes?: string[]): string;
  /** Every access token issued so far is expired from now on. */
  expireAccessTokens(): void;
  /** Revokes a refresh token (default: the initial one) and its access tokens. */
  revokeRefreshToken(token?: string): void;
  /** Access tokens of a refresh token (default: the initial one) that Desk would accept now. */
  liveAccessTokens(refreshToken?: string): string[];
  /** Token requests get "Access Denied" for `ms` (default: one throttle window, 10 min). */
  forceThrottle(ms?: number): void;
  clearThrottle(): void;
  /** The next request(s) get 429 TOO_MANY_REQUESTS (no Retry-After). */
  injectTooManyRequests(options?: InjectOptions): () => void;
  /** The next request(s) get 429 THRESHOLD_EXCEEDED with `Retry-After` (default 60 s). */
  injectThresholdExceeded(options?: InjectOptions & { retryAfterSeconds?: number }): () => void;
  /** Sets today's remaining API credits (0: every call gets THRESHOLD_EXCEEDED until midnight UTC). */
  setCreditsRemaining(credits: number): void;
  creditsRemaining(): number;
  /** New tickets and contacts stay out of search results for this long. */
  setSearchIndexLag(ms: number): void;
  /** A contact already in the desk (found by search at once). */
  seedContact(fields: NewContact): DeskContact;
  /** A ticket already in the desk (found by search at once). */
  seedTicket(fields: NewTicket): DeskTicket;

  /** Tickets in creation order. The records are live: read them, do not change them. */
  tickets(): DeskTicket[];
  /** Tickets whose subject or description contains `text` (e.g. `Call ID: <sid>`), ignoring case. */
  ticketsMentioning(text: string): DeskTicket[];
  contacts(): DeskContact[];
  /** A ticket's comments, oldest first. */
  comments(ticketId: string): DeskComment[];
  commentsByTicket(): Map<string, DeskComment[]>;
  /** Uploaded files with their bytes, of one ticket or of all. */
  attachments(ticketId?: string): StoredAttachment[];
}

/**
 * Zoho Accounts and one Zoho Desk portal on 127.0.0.1, sharing one state (zoho-desk.md §10).
 * Point the daemon's `ZOHO_ACCOUNTS_URL` at `accounts.url` and `ZOHO_DESK_API_DOMAIN` at `desk.url`.
 */
export function createZohoEmulators(options: ZohoEmulatorOptions = {}): ZohoEmulators {
  const d = SANDBOX_ZOHO_DEFAULTS;
  const now = options.now ?? Date.now;
  const orgId = options.orgId ?? d.orgId;
  const clientId = options.clientId ?? d.clientId;
  const clientSecret = options.clientSecret ?? d.clientSecret;
  const scopes = options.scopes ?? [...d.scopes];

  const tokens = new TokenStore({ now, accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? d.accessTokenTtlSeconds });
  const initial = tokens.addRefreshToken(clientId, scopes, options.refreshToken ?? d.refreshToken);
  const store = new DeskStore({
    now,
    orgId,
    companyName: options.companyName ?? d.companyName,
    portalName: options.portalName ?? d.portalName,
    edition: options.edition ?? d.edition,
    webOrigin: options.webOrigin ?? d.webOrigin,
    departments: options.departments ?? d.departments.map((x) => ({ ...x })),
    agents: options.agents ?? d.agents.map((x) => ({ ...x })),
    searchIndexLagMs: options.searchIndexLagMs ?? d.searchIndexLagMs,
  });
  const credits = new CreditPool(now, options.dailyCredits ?? d.dailyCredits);
  const state: ZohoState = { tokens, desk: store, credits, concurrencyLimit: options.concurrencyLimit ?? null };
  const deskFaults = new FaultInjector();

  const accounts: EmulatedService = new EmulatedService(
    "zoho-accounts",
    createAccountsHandler(
      tokens,
      {
        clientId,
        clientSecret,
        redirectUris: options.redirectUris ?? [...d.redirectUris],
        apiDomain: options.apiDomain ?? d.apiDomain,
        location: options.location ?? d.location,
        throttleStatus: options.throttleStatus ?? d.throttleStatus,
      },
      () => accounts.url,
    ),
    { now, latencyMs: options.latencyMs },
  );
  const settings: DeskSettings = {
    priorities: options.priorities ?? [...d.priorities],
    maxAttachmentBytes: options.maxAttachmentBytes ?? d.maxAttachmentBytes,
    apiOrigin: () => desk.url,
  };
  const desk: EmulatedService = new EmulatedService(
    "zoho-desk",
    createDeskHandler({
      store,
      tokens,
      credits,
      settings,
      scripted: deskFaults,
      concurrencyLimit: () => state.concurrencyLimit,
      inFlight: () => desk.inFlight,
    }),
    { now, latencyMs: options.latencyMs },
  );

  function inject(response: ReturnType<typeof tooManyRequests>, injectOptions: InjectOptions = {}): () => void {
    return deskFaults.add({
      match: injectOptions.match,
      times: injectOptions.times ?? 1,
      fault: { kind: "status", status: response.status, body: response.body, headers: response.headers },
    });
  }

  return {
    accounts,
    desk,
    state,
    orgId,
    clientId,
    clientSecret,
    refreshToken: initial.token,
    deskFaults,
    async start() {
      const [accountsUrl, deskUrl] = await Promise.all([accounts.start(), desk.start()]);
      return { accountsUrl, deskUrl };
    },
    async stop() {
      await Promise.all([accounts.stop(), desk.stop()]);
    },

    issueAccessToken: (o = {}) => tokens.mintAccessToken(o.refreshToken ?? initial.token, o).token,
    issueAuthorizationCode: (o = {}) =>
      tokens.issueCode({ clientId, scopes: o.scopes ?? scopes, redirectUri: o.redirectUri ?? null, offline: o.offline ?? true, selfClient: o.redirectUri === undefined }),
    issueRefreshToken: (s = scopes) => tokens.addRefreshToken(clientId, s).token,
    expireAccessTokens: () => tokens.expireAccessTokens(),
    revokeRefreshToken: (token = initial.token) => tokens.revokeRefreshToken(token),
    liveAccessTokens: (token = initial.token) => tokens.liveAccessTokens(token).map((t) => t.token),
    forceThrottle: (ms = TOKEN_LIMITS.throttleWindowMs) => tokens.forceThrottle(ms),
    clearThrottle: () => tokens.clearThrottle(),
    injectTooManyRequests: (o) => inject(tooManyRequests(), o),
    injectThresholdExceeded: (o = {}) => inject(thresholdExceeded(o.retryAfterSeconds ?? 60), o),
    setCreditsRemaining(value) {
      credits.remaining = value;
    },
    creditsRemaining: () => credits.remaining,
    setSearchIndexLag(ms) {
      store.searchIndexLagMs = ms;
    },
    seedContact: (fields) => store.createContact(fields, { alreadyIndexed: true }),
    seedTicket: (fields) => store.createTicket(fields, { alreadyIndexed: true }),

    tickets: () => [...store.tickets.values()],
    ticketsMentioning: (text) => [...store.tickets.values()].filter((t) => containsText([t.subject, t.description], text)),
    contacts: () => [...store.contacts.values()],
    comments: (ticketId) => [...(store.comments.get(ticketId) ?? [])],
    commentsByTicket: () => new Map([...store.comments.entries()].map(([id, list]) => [id, [...list]])),
    attachments: (ticketId) => (ticketId === undefined ? [...store.attachments.values()].flat() : [...(store.attachments.get(ticketId) ?? [])]),
  };
}
