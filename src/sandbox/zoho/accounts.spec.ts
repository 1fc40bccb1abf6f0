import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeskTestClient, FrozenClock, refreshParams, tokenRequest } from "./desk-test-client.js";
import { createZohoEmulators, type ZohoEmulators } from "./index.js";

const TOKEN_PATTERN = /^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$/;
const THROTTLED = {
  error_description: "You have made too many requests continuously. Please try again after some time.",
  error: "Access Denied",
  status: "failure",
};
const MINUTE = 60_000;

describe("Zoho Accounts emulator", () => {
  let clock: FrozenClock;
  let zoho: ZohoEmulators;
  let desk: DeskTestClient;

  beforeEach(async () => {
    clock = new FrozenClock();
    zoho = createZohoEmulators({ now: clock.now });
    await zoho.start();
    desk = new DeskTestClient(zoho);
  });
  afterEach(() => zoho.stop());

  /** Whether Desk accepts the access token right now. */
  async function deskAccepts(token: string): Promise<boolean> {
    const response = await desk.get("/organizations", { token });
    if (response.status === 401) expect(response.json).toEqual({ errorCode: "INVALID_OAUTH", message: "The OAuth Token you provided is invalid." });
    return response.status === 200;
  }

  describe("refresh_token grant", () => {
    it("answers a form-body refresh with a new access token and no refresh token", async () => {
      const { status, headers, json } = await tokenRequest(zoho, refreshParams(zoho));
      expect(status).toBe(200);
      expect(headers.get("content-type")).toBe("application/json;charset=UTF-8");
      expect(Object.keys(json).sort()).toEqual(["access_token", "api_domain", "expires_in", "scope", "token_type"]);
      expect(json).toMatchObject({
        api_domain: "https://www.zohoapis.com",
        token_type: "Bearer",
        expires_in: 3600,
        scope: "Desk.tickets.ALL Desk.contacts.ALL Desk.search.READ Desk.basic.READ",
      });
      expect(json.access_token).toMatch(TOKEN_PATTERN);
      expect(await deskAccepts(json.access_token)).toBe(true);
    });

    it("reads the parameters from the query string too", async () => {
      const { status, json } = await tokenRequest(zoho, refreshParams(zoho), { inQuery: true });
      expect(status).toBe(200);
      expect(json.access_token).toMatch(TOKEN_PATTERN);
    });

    it("accepts client credentials as HTTP Basic auth", async () => {
      const basic = Buffer.from(`${zoho.clientId}:${zoho.clientSecret}`).toString("base64");
      const { json } = await tokenRequest(zoho, { grant_type: "refresh_token", refresh_token: zoho.refreshToken }, { headers: { Authorization: `Basic ${basic}` } });
      expect(json.access_token).toMatch(TOKEN_PATTERN);
    });

    it.each([
      ["an unknown client id", { client_id: "1000.NOTOURS" }, "invalid_client"],
      ["a wrong client secret", { client_secret: "wrong" }, "invalid_client_secret"],
      ["an unknown refresh token", { refresh_token: "1000.aaaa.bbbb" }, "invalid_code"],
      ["a missing refresh token", { refresh_token: "" }, "invalid_code"],
      ["an unknown grant type", { grant_type: "password" }, "unsupported_grant_type"],
    ])("answers %s with HTTP 200 and an error body", async (_case, change, error) => {
      const { status, json } = await tokenRequest(zoho, { ...refreshParams(zoho), ...change });
      expect(status).toBe(200);
      expect(json).toEqual({ error });
    });
  });

  describe("authorization_code grant", () => {
    it("exchanges a self-client code once for a refresh token and an access token", async () => {
      const code = zoho.issueAuthorizationCode();
      const params = { grant_type: "authorization_code", client_id: zoho.clientId, client_secret: zoho.clientSecret, code };
      const first = await tokenRequest(zoho, params);
      expect(first.status).toBe(200);
      expect(first.json.refresh_token).toMatch(TOKEN_PATTERN);
      expect(first.json.access_token).toMatch(TOKEN_PATTERN);
      expect(first.json.expires_in).toBe(3600);
      expect(await deskAccepts(first.json.access_token)).toBe(true);

      const again = await tokenRequest(zoho, params);
      expect(again.json).toEqual({ error: "invalid_code" });
      const refreshed = await tokenRequest(zoho, refreshParams(zoho, first.json.refresh_token));
      expect(refreshed.json.access_token).toMatch(TOKEN_PATTERN);
    });

    it("lets a self-client code expire after 3 minutes and a web code after 2", async () => {
      const selfClient = zoho.issueAuthorizationCode();
      const web = zoho.issueAuthorizationCode({ redirectUri: "http://localhost:8000/oauth/callback" });
      clock.advance(2 * MINUTE);
      const base = { grant_type: "authorization_code", client_id: zoho.clientId, client_secret: zoho.clientSecret };
      expect((await tokenRequest(zoho, { ...base, code: web, redirect_uri: "http://localhost:8000/oauth/callback" })).json).toEqual({ error: "invalid_code" });
      clock.advance(MINUTE - 1);
      expect((await tokenRequest(zoho, { ...base, code: selfClient })).json.refresh_token).toMatch(TOKEN_PATTERN);
      const late = zoho.issueAuthorizationCode();
      clock.advance(3 * MINUTE);
      expect((await tokenRequest(zoho, { ...base, code: late })).json).toEqual({ error: "invalid_code" });
    });

    it("runs the web flow: consent redirects with a code that needs the same redirect_uri", async () => {
      const callback = "http://localhost:8000/oauth/callback";
      const auth = new URL(`${zoho.accounts.url}/oauth/v2/auth`);
      for (const [k, v] of Object.entries({ client_id: zoho.clientId, response_type: "code", redirect_uri: callback, scope: "Desk.tickets.ALL,Desk.basic.READ", access_type: "offline", state: "xyz" })) {
        auth.searchParams.set(k, v);
      }
      const redirect = await fetch(auth, { redirect: "manual" });
      expect(redirect.status).toBe(302);
      const location = new URL(redirect.headers.get("location")!);
      expect(`${location.origin}${location.pathname}`).toBe(callback);
      expect(location.searchParams.get("state")).toBe("xyz");
      expect(location.searchParams.get("location")).toBe("us");
      expect(location.searchParams.get("accounts-server")).toBe(zoho.accounts.url);
      const code = location.searchParams.get("code")!;
      const base = { grant_type: "authorization_code", client_id: zoho.clientId, client_secret: zoho.clientSecret, code };
      expect((await tokenRequest(zoho, { ...base, redirect_uri: "http://localhost:9999/elsewhere" })).json).toEqual({ error: "invalid_redirect_uri" });
      const granted = await tokenRequest(zoho, { ...base, redirect_uri: callback });
      expect(granted.json.scope).toBe("Desk.tickets.ALL Desk.basic.READ");
      expect(granted.json.refresh_token).toMatch(TOKEN_PATTERN);
    });

    it("refuses an unregistered redirect_uri on the consent page", async () => {
      const auth = `${zoho.accounts.url}/oauth/v2/auth?client_id=${zoho.clientId}&response_type=code&scope=Desk.tickets.ALL&redirect_uri=${encodeURIComponent("https://evil.test/cb")}`;
      const response = await fetch(auth, { redirect: "manual" });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("Invalid Redirect Uri");
    });
  });

  describe("token limits", () => {
    it("makes access tokens invalid for Desk exactly 3600 s after they were issued", async () => {
      const { json } = await tokenRequest(zoho, refreshParams(zoho));
      clock.advance(3_599_999);
      expect(await deskAccepts(json.access_token)).toBe(true);
      clock.advance(1);
      expect(await deskAccepts(json.access_token)).toBe(false);
    });

    it("expires every access token on demand", async () => {
      const token = zoho.issueAccessToken();
      zoho.expireAccessTokens();
      expect(await deskAccepts(token)).toBe(false);
      expect((await tokenRequest(zoho, refreshParams(zoho))).status).toBe(200);
    });

    it("throttles the 11th token request within 10 minutes with Access Denied (HTTP 400) until the window ends", async () => {
      for (let i = 0; i < 10; i++) {
        if (i > 0) clock.advance(MINUTE);
        expect((await tokenRequest(zoho, refreshParams(zoho))).json.access_token).toMatch(TOKEN_PATTERN);
      }
      clock.advance(MINUTE - 1);
      const denied = await tokenRequest(zoho, refreshParams(zoho));
      expect(denied.status).toBe(400);
      expect(denied.json).toEqual(THROTTLED);
      // The window slides: 10 minutes after the first request, its slot is free again, and only its.
      clock.advance(1);
      expect((await tokenRequest(zoho, refreshParams(zoho))).status).toBe(200);
      expect((await tokenRequest(zoho, refreshParams(zoho))).status).toBe(400);
    });

    it("can answer the throttle with HTTP 200 instead", async () => {
      const lenient = createZohoEmulators({ now: clock.now, throttleStatus: 200 });
      await lenient.start();
      try {
        lenient.forceThrottle();
        const denied = await tokenRequest(lenient, refreshParams(lenient));
        expect(denied.status).toBe(200);
        expect(denied.json).toEqual(THROTTLED);
      } finally {
        await lenient.stop();
      }
    });

    it("throttles on demand and lets go after the given time", async () => {
      zoho.forceThrottle(5 * MINUTE);
      expect((await tokenRequest(zoho, refreshParams(zoho))).json).toEqual(THROTTLED);
      clock.advance(5 * MINUTE);
      expect((await tokenRequest(zoho, refreshParams(zoho))).status).toBe(200);
    });

    it("keeps at most 10 live access tokens per refresh token: the 11th evicts the oldest", async () => {
      const issued: string[] = [];
      for (let i = 0; i < 10; i++) issued.push((await tokenRequest(zoho, refreshParams(zoho))).json.access_token);
      clock.advance(10 * MINUTE);
      const eleventh = (await tokenRequest(zoho, refreshParams(zoho))).json.access_token;
      expect(await deskAccepts(issued[0]!)).toBe(false);
      expect(await deskAccepts(issued[1]!)).toBe(true);
      expect(await deskAccepts(eleventh)).toBe(true);
      expect(zoho.liveAccessTokens()).toEqual([...issued.slice(1), eleventh]);
    });
  });

  describe("revoke", () => {
    it("kills a refresh token and every access token it gave", async () => {
      const { json } = await tokenRequest(zoho, refreshParams(zoho));
      const response = await fetch(`${zoho.accounts.url}/oauth/v2/token/revoke?token=${zoho.refreshToken}`, { method: "POST" });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: "success" });
      expect(await deskAccepts(json.access_token)).toBe(false);
      expect((await tokenRequest(zoho, refreshParams(zoho))).json).toEqual({ error: "invalid_code" });
    });

    it("revokes through the scenario helper as well", async () => {
      const token = zoho.issueAccessToken();
      zoho.revokeRefreshToken();
      expect(await deskAccepts(token)).toBe(false);
      expect((await tokenRequest(zoho, refreshParams(zoho))).json).toEqual({ error: "invalid_code" });
    });
  });
});
