/** How a sandbox Zoho (Accounts + one Desk portal) is set up. Every field has a default. */

export interface DepartmentSeed {
  id?: string;
  name: string;
  isEnabled?: boolean;
  isDefault?: boolean;
}

export interface AgentSeed {
  id?: string;
  firstName?: string;
  lastName: string;
  emailId: string;
  status?: "ACTIVE" | "DISABLED";
  /** Default: every department. */
  departmentIds?: string[];
}

export interface ZohoEmulatorOptions {
  now?: () => number;
  orgId?: string;
  companyName?: string;
  portalName?: string;
  edition?: string;
  clientId?: string;
  clientSecret?: string;
  /** A refresh token that is valid from the start (what the daemon's .env holds). */
  refreshToken?: string;
  /** Scopes of that refresh token and of the tokens it yields. */
  scopes?: string[];
  /** Redirect URIs registered for the client (web authorization flow). */
  redirectUris?: string[];
  /** Default: "Customer Success" (default department) and "Sales". */
  departments?: DepartmentSeed[];
  /** The first agent is the API user: tickets and comments are made in its name. */
  agents?: AgentSeed[];
  accessTokenTtlSeconds?: number;
  /** Status of the token throttle's "Access Denied" answer (400 as clients observed, or 200). */
  throttleStatus?: 200 | 400;
  /** New tickets and contacts stay out of search results for this long (Zoho's search index lags). */
  searchIndexLagMs?: number;
  /** The portal's daily API credit pool. */
  dailyCredits?: number;
  /** Requests in flight beyond this get 429 TOO_MANY_REQUESTS; null for no cap. */
  concurrencyLimit?: number | null;
  /** The ticket priority picklist. */
  priorities?: string[];
  maxAttachmentBytes?: number;
  /** Origin of the Desk web app, for `webUrl`. */
  webOrigin?: string;
  /** `api_domain` in token answers. */
  apiDomain?: string;
  /** Data centre reported by the authorization callback. */
  location?: string;
  /** Added before every answer of both services, in ms. */
  latencyMs?: number;
}

export const SANDBOX_ZOHO_DEFAULTS = {
  orgId: "60012345678",
  companyName: "Acme Support",
  portalName: "acme",
  edition: "PROFESSIONAL",
  clientId: "1000.SANDBOX7Q2KX9LM4T8RPZ3WVB6YHN5C",
  clientSecret: "5e0d8f3c2b1a49678d7e6f5a4b3c2d1e0f9a8b7c6d",
  refreshToken: "1000.7c3e9a1f5b2d4e6081a9c7e5d3b1f2a4.9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b",
  scopes: ["Desk.tickets.ALL", "Desk.contacts.ALL", "Desk.search.READ", "Desk.basic.READ"],
  redirectUris: ["http://localhost:8000/oauth/callback"],
  departments: [
    { id: "1892000000006907", name: "Customer Success", isEnabled: true, isDefault: true },
    { id: "1892000000082069", name: "Sales", isEnabled: true, isDefault: false },
  ] satisfies DepartmentSeed[],
  agents: [
    { id: "1892000000042001", firstName: "API", lastName: "User", emailId: "bot@acme.test" },
    { id: "1892000000042017", firstName: "Prateek", lastName: "Sharma", emailId: "prateek@acme.test" },
  ] satisfies AgentSeed[],
  accessTokenTtlSeconds: 3600,
  throttleStatus: 400 as 200 | 400,
  searchIndexLagMs: 0,
  dailyCredits: 75_000,
  priorities: ["Low", "Medium", "High"],
  maxAttachmentBytes: 20 * 1024 * 1024,
  webOrigin: "https://desk.zoho.com",
  apiDomain: "https://www.zohoapis.com",
  location: "us",
} as const;
