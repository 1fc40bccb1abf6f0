import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeskTestClient, FrozenClock } from "./desk-test-client.js";
import { createZohoEmulators, type ZohoEmulators } from "./index.js";

describe("Zoho Desk emulator: authentication, org and limits", () => {
  let clock: FrozenClock;
  let zoho: ZohoEmulators;
  let desk: DeskTestClient;

  beforeEach(async () => {
    clock = new FrozenClock(Date.UTC(2026, 2, 1, 23, 0, 0));
    zoho = createZohoEmulators({ now: clock.now, dailyCredits: 100 });
    await zoho.start();
    desk = new DeskTestClient(zoho);
  });
  afterEach(() => zoho.stop());

  describe("authentication", () => {
    it("answers a request without Authorization with 401 UNAUTHORIZED", async () => {
      const { status, json } = await desk.get("/departments", { token: null });
      expect(status).toBe(401);
      expect(json).toEqual({ errorCode: "UNAUTHORIZED", message: "You are not authenticated to perform this operation." });
    });

    it.each([
      ["an unknown token", (token: string) => `Zoho-oauthtoken 1000.${"0".repeat(32)}.${"0".repeat(32)}`],
      ["the Bearer scheme", (token: string) => `Bearer ${token}`],
    ])("answers %s with 401 INVALID_OAUTH", async (_case, header) => {
      const { status, json } = await desk.get("/departments", { token: null, headers: { Authorization: header(desk.token) } });
      expect(status).toBe(401);
      expect(json).toEqual({ errorCode: "INVALID_OAUTH", message: "The OAuth Token you provided is invalid." });
    });

    it("answers a token without the endpoint's scope with 401 SCOPE_MISMATCH", async () => {
      const token = zoho.issueAccessToken({ scopes: ["Desk.tickets.READ"] });
      const { status, json } = await desk.post("/contacts", { lastName: "X" }, { token });
      expect(status).toBe(401);
      expect(json.errorCode).toBe("SCOPE_MISMATCH");
      expect((await desk.get("/tickets", { token })).status).toBe(204);
      // Searching needs Desk.search.READ on top of the module's READ.
      expect((await desk.get("/tickets/search", { token, query: { subject: "abc" } })).json.errorCode).toBe("SCOPE_MISMATCH");
    });
  });

  describe("orgId header", () => {
    it("is not needed for GET /organizations", async () => {
      const { status, json } = await desk.get("/organizations", { orgId: null });
      expect(status).toBe(200);
      expect(json.data.map((o: { id: string }) => o.id)).toEqual([zoho.orgId]);
    });

    it("is required everywhere else", async () => {
      const { status, json } = await desk.get("/departments", { orgId: null });
      expect(status).toBe(422);
      expect(json.errorCode).toBe("UNPROCESSABLE_ENTITY");
    });

    it("answers another org with 401 OAUTH_ORG_MISMATCH and a non-numeric one with 500", async () => {
      expect((await desk.get("/departments", { orgId: "60099999999" })).json.errorCode).toBe("OAUTH_ORG_MISMATCH");
      const broken = await desk.get("/departments", { orgId: "acme" });
      expect(broken.status).toBe(500);
      expect(broken.json.errorCode).toBe("INTERNAL_SERVER_ERROR");
    });
  });

  describe("headers and credits", () => {
    it("sends JSON content type and the credit headers on every answer, errors included", async () => {
      const create = await desk.post("/contacts", { lastName: "Muster" });
      expect(create.headers.get("content-type")).toBe("application/json;charset=UTF-8");
      expect(create.headers.get("x-rate-limit-request-weight-v3")).toBe("1");
      expect(create.headers.get("x-rate-limit-remaining-v3")).toBe("99");
      const search = await desk.get("/contacts/search", { query: { phone: "+10000" } });
      expect(search.status).toBe(204);
      expect(search.headers.get("x-rate-limit-request-weight-v3")).toBe("3");
      expect(search.headers.get("x-rate-limit-remaining-v3")).toBe("96");
      const refused = await desk.get("/departments", { token: null });
      expect(refused.headers.get("content-type")).toBe("application/json;charset=UTF-8");
      expect(refused.headers.get("x-rate-limit-request-weight-v3")).toBe("0");
      expect(refused.headers.get("x-rate-limit-remaining-v3")).toBe("96");
    });

    it("answers 429 THRESHOLD_EXCEEDED with Retry-After until midnight once the daily pool is spent, then refills", async () => {
      zoho.setCreditsRemaining(1);
      expect((await desk.get(`/departments/${zoho.state.desk.departments[0]!.id}`)).status).toBe(200);
      const spent = await desk.get("/departments");
      expect(spent.status).toBe(429);
      expect(spent.json).toEqual({ errorCode: "THRESHOLD_EXCEEDED", message: "The API credits allotted to your portal for the day have been used up." });
      expect(spent.headers.get("retry-after")).toBe("3600");
      expect(spent.headers.get("x-rate-limit-remaining-v3")).toBe("0");
      clock.advance(3600 * 1000);
      const nextDay = await desk.get("/departments");
      expect(nextDay.status).toBe(200);
      expect(nextDay.headers.get("x-rate-limit-remaining-v3")).toBe("97");
    });

    it("injects 429 TOO_MANY_REQUESTS without Retry-After", async () => {
      zoho.injectTooManyRequests({ match: { path: "/api/v1/tickets" } });
      const other = await desk.get("/departments");
      expect(other.status).toBe(200);
      const refused = await desk.get("/tickets");
      expect(refused.status).toBe(429);
      expect(refused.json.errorCode).toBe("TOO_MANY_REQUESTS");
      expect(refused.headers.get("retry-after")).toBeNull();
      expect(refused.headers.get("x-rate-limit-remaining-v3")).not.toBeNull();
      expect((await desk.get("/tickets")).status).toBe(204);
    });

    it("injects 429 THRESHOLD_EXCEEDED with the given Retry-After", async () => {
      zoho.injectThresholdExceeded({ retryAfterSeconds: 42, times: 2 });
      for (let i = 0; i < 2; i++) {
        const refused = await desk.get("/departments");
        expect(refused.status).toBe(429);
        expect(refused.json.errorCode).toBe("THRESHOLD_EXCEEDED");
        expect(refused.headers.get("retry-after")).toBe("42");
      }
      expect((await desk.get("/departments")).status).toBe(200);
    });

    it("answers TOO_MANY_REQUESTS beyond the concurrency cap", async () => {
      zoho.state.concurrencyLimit = 1;
      zoho.desk.faults.add({ match: { path: "/api/v1/departments" }, fault: { kind: "delay", ms: 150 } });
      const slow = desk.get("/departments");
      await zoho.desk.waitForRequest((r) => r.path === "/api/v1/departments");
      const second = await desk.get("/agents");
      expect(second.status).toBe(429);
      expect(second.json.errorCode).toBe("TOO_MANY_REQUESTS");
      expect((await slow).status).toBe(200);
      expect((await desk.get("/agents")).status).toBe(200);
    });
  });

  describe("unknown paths and methods", () => {
    it("answers JSON 404 URL_NOT_FOUND and 405 METHOD_NOT_ALLOWED", async () => {
      const missing = await desk.get("/nothing-here");
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({ errorCode: "URL_NOT_FOUND", message: "The URL you requested could not be found." });
      const wrongMethod = await desk.post("/tickets/search", {});
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.json.errorCode).toBe("METHOD_NOT_ALLOWED");
      const outside = await fetch(`${zoho.desk.url}/support/acme`);
      expect(outside.status).toBe(404);
      expect(await outside.json()).toMatchObject({ errorCode: "URL_NOT_FOUND" });
    });
  });
});
