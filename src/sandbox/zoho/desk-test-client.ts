import type { ZohoEmulators } from "./emulators.js";

/** Plain-fetch helpers the spec files (and other tests) use to talk to the sandbox Zoho services. */

export interface PlainResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or null when it is empty or not JSON. */
  json: any;
}

async function plain(response: Response): Promise<PlainResponse> {
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export interface DeskRequestOptions {
  query?: Record<string, string>;
  /** Default: a fresh valid token. `null` sends no Authorization header. */
  token?: string | null;
  /** Default: the portal's org id. `null` sends no orgId header. */
  orgId?: string | null;
  headers?: Record<string, string>;
}

export class DeskTestClient {
  private defaultToken: string | null = null;

  constructor(private readonly zoho: ZohoEmulators) {}

  /** A token minted on first use and reused, so a test does not fill the ten live tokens by accident. */
  get token(): string {
    if (!this.defaultToken || !this.zoho.state.tokens.validAccessToken(this.defaultToken)) this.defaultToken = this.zoho.issueAccessToken();
    return this.defaultToken;
  }

  private url(path: string, query: Record<string, string> = {}): string {
    const url = new URL(`${this.zoho.desk.url}/api/v1${path}`);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url.toString();
  }

  private headers(options: DeskRequestOptions): Record<string, string> {
    const token = options.token === undefined ? this.token : options.token;
    const orgId = options.orgId === undefined ? this.zoho.orgId : options.orgId;
    return {
      ...(token === null ? {} : { Authorization: `Zoho-oauthtoken ${token}` }),
      ...(orgId === null ? {} : { orgId }),
      ...options.headers,
    };
  }

  async get(path: string, options: DeskRequestOptions = {}): Promise<PlainResponse> {
    return plain(await fetch(this.url(path, options.query), { headers: this.headers(options) }));
  }

  async post(path: string, body: unknown, options: DeskRequestOptions = {}): Promise<PlainResponse> {
    const isForm = body instanceof FormData;
    return plain(
      await fetch(this.url(path, options.query), {
        method: "POST",
        headers: { ...(isForm ? {} : { "Content-Type": "application/json" }), ...this.headers(options) },
        body: isForm ? body : typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  }
}

/** `POST /oauth/v2/token` with a form body (or with the parameters in the query string). */
export async function tokenRequest(zoho: ZohoEmulators, params: Record<string, string>, options: { inQuery?: boolean; headers?: Record<string, string> } = {}): Promise<PlainResponse> {
  const form = new URLSearchParams(params);
  const url = `${zoho.accounts.url}/oauth/v2/token${options.inQuery ? `?${form}` : ""}`;
  return plain(
    await fetch(url, {
      method: "POST",
      headers: options.inQuery ? options.headers : { "Content-Type": "application/x-www-form-urlencoded", ...options.headers },
      body: options.inQuery ? undefined : form.toString(),
    }),
  );
}

export function refreshParams(zoho: ZohoEmulators, refreshToken = zoho.refreshToken): Record<string, string> {
  return { grant_type: "refresh_token", client_id: zoho.clientId, client_secret: zoho.clientSecret, refresh_token: refreshToken };
}

/** A clock that only moves when told, for tests that check exact expiry boundaries. */
export class FrozenClock {
  constructor(private time = Date.UTC(2026, 2, 1, 9, 15, 0)) {}

  readonly now = (): number => this.time;

  advance(ms: number): void {
    this.time += ms;
  }
}
