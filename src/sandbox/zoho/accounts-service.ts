import type { SandboxRequest, SandboxResponse } from "../core/http-service.js";
import { basicCredentials, requestParams } from "./form-params.js";
import type { AccessTokenRecord, TokenGrant, TokenStore } from "./oauth-tokens.js";

export interface AccountsSettings {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** `api_domain` in token answers: Zoho's generic API gateway, not the Desk host. */
  apiDomain: string;
  /** The data centre named in the authorization callback (`location=`). */
  location: string;
  /** Status of the "Access Denied" throttle answer: clients have seen 400, Zoho's own post says 200. */
  throttleStatus: 200 | 400;
}

const JSON_TYPE = { "content-type": "application/json;charset=UTF-8" };

function json(body: object, status = 200): SandboxResponse {
  return { status, headers: JSON_TYPE, body };
}

/** Zoho answers token errors with HTTP 200 and an `error` field (zoho-desk.md §1.4). */
function tokenError(error: string): SandboxResponse {
  return json({ error });
}

function page(status: number, text: string): SandboxResponse {
  return { status, headers: { "content-type": "text/html;charset=UTF-8" }, body: `<html><body><h2>${text}</h2></body></html>` };
}

function tokenBody(access: AccessTokenRecord, apiDomain: string, refreshToken: string | null): object {
  return {
    access_token: access.token,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: access.scopes.join(" "),
    api_domain: apiDomain,
    token_type: "Bearer",
    expires_in: Math.round((access.expiresAt - access.issuedAt) / 1000),
  };
}

/** The Zoho Accounts OAuth server: `/oauth/v2/auth`, `/oauth/v2/token`, `/oauth/v2/token/revoke`. */
export function createAccountsHandler(store: TokenStore, settings: AccountsSettings, ownUrl: () => string): (request: SandboxRequest) => SandboxResponse {
  function token(request: SandboxRequest): SandboxResponse {
    const params = requestParams(request);
    const basic = basicCredentials(request.headers.authorization);
    const clientId = params.get("client_id") ?? basic?.clientId;
    const clientSecret = params.get("client_secret") ?? basic?.clientSecret;
    if (clientId !== settings.clientId) return tokenError("invalid_client");
    if (clientSecret !== settings.clientSecret) return tokenError("invalid_client_secret");

    let grant: TokenGrant;
    switch (params.get("grant_type")) {
      case "authorization_code":
        grant = store.exchangeCode(params.get("code") ?? "", clientId, params.get("redirect_uri") ?? null);
        break;
      case "refresh_token":
        grant = store.refresh(params.get("refresh_token") ?? "", clientId);
        break;
      default:
        return tokenError("unsupported_grant_type");
    }
    if (!grant.ok) {
      if (grant.error === "throttled") {
        return json(
          { error_description: "You have made too many requests continuously. Please try again after some time.", error: "Access Denied", status: "failure" },
          settings.throttleStatus,
        );
      }
      return tokenError(grant.error);
    }
    return json(tokenBody(grant.access, settings.apiDomain, grant.newRefreshToken ? (grant.refresh?.token ?? null) : null));
  }

  function revoke(request: SandboxRequest): SandboxResponse {
    const params = requestParams(request);
    store.revoke(params.get("token") ?? "");
    // Like RFC 7009, an unknown token is not an error: the caller's goal (a dead token) holds.
    return json({ status: "success" });
  }

  /** The consent page, approved at once: redirects to the app with a single-use code. */
  function authorize(request: SandboxRequest): SandboxResponse {
    const q = request.query;
    if (q.get("client_id") !== settings.clientId) return page(400, "Invalid Client");
    const redirectUri = q.get("redirect_uri") ?? "";
    if (!settings.redirectUris.includes(redirectUri)) return page(400, "Invalid Redirect Uri");
    const target = new URL(redirectUri);
    const state = q.get("state");
    if (state !== null) target.searchParams.set("state", state);
    const scopes = (q.get("scope") ?? "").split(/[,\s]+/).filter(Boolean);
    if (q.get("response_type") !== "code" || scopes.length === 0) {
      target.searchParams.set("error", scopes.length === 0 ? "invalid_scope" : "unsupported_response_type");
      return { status: 302, headers: { location: target.toString() }, body: null };
    }
    const code = store.issueCode({ clientId: settings.clientId, scopes, redirectUri, offline: q.get("access_type") === "offline", selfClient: false });
    target.searchParams.set("code", code);
    target.searchParams.set("location", settings.location);
    target.searchParams.set("accounts-server", ownUrl());
    return { status: 302, headers: { location: target.toString() }, body: null };
  }

  return (request) => {
    const path = request.path.replace(/\/+$/, "");
    if (path === "/oauth/v2/token" && request.method === "POST") return token(request);
    if (path === "/oauth/v2/token/revoke" && request.method === "POST") return revoke(request);
    if (path === "/oauth/v2/auth" && request.method === "GET") return authorize(request);
    return json({ error: "invalid_request", error_description: `No such endpoint: ${request.method} ${request.path}` }, 404);
  };
}
