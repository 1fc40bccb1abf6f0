import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpClient, networkError, retryAfterMs } from "./http.js";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let server: http.Server;
let origin: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url === "/drop") return req.socket.destroy();
      if (req.url === "/silent") return;
      if (req.url === "/missing") {
        res.writeHead(404, { "content-type": "application/json", "retry-after": "7" });
        return res.end('{"errorCode":"URL_NOT_FOUND"}');
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ echo: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("createHttpClient", () => {
  it("joins the path to the base URL, adds the query and sends the body and headers", async () => {
    const client = createHttpClient(`${origin}/api/v1/`, 5_000);
    const response = await client.text({ method: "POST", url: "/contacts", query: { phone: "+919876543210,*9876543210" }, body: '{"a":1}', headers: { orgId: "42" } });
    expect(response.status).toBe(200);
    const request = seen.at(-1)!;
    expect(request.method).toBe("POST");
    expect(new URL(request.url, origin).pathname).toBe("/api/v1/contacts");
    expect(new URL(request.url, origin).searchParams.get("phone")).toBe("+919876543210,*9876543210");
    expect(request.body).toBe('{"a":1}');
    expect(request.headers["orgid"]).toBe("42");
    expect(request.headers["user-agent"]).toBe("zoho-call-tickets");
  });

  it("keeps a query that is already in the path (Exotel's NextPageUri)", async () => {
    const client = createHttpClient(origin, 5_000);
    await client.text({ url: "/v1/Accounts/x/Calls.json?Before=abc&PageSize=100" });
    expect(seen.at(-1)!.url).toBe("/v1/Accounts/x/Calls.json?Before=abc&PageSize=100");
  });

  it("fetches a whole URL on another host as it is", async () => {
    const client = createHttpClient("http://127.0.0.1:1/unused", 5_000);
    const response = await client.text({ url: `${origin}/recordings/a.mp3` });
    expect(JSON.parse(response.data)).toEqual({ echo: "/recordings/a.mp3" });
  });

  it("answers an error status with its body and headers instead of throwing", async () => {
    const response = await createHttpClient(origin, 5_000).text({ url: "/missing" });
    expect(response).toMatchObject({ status: 404, data: '{"errorCode":"URL_NOT_FOUND"}' });
    expect(response.headers["retry-after"]).toBe("7");
  });

  it("fails with errors that networkError tells apart: refused (not sent), silent (timed out), dropped", async () => {
    const outcome = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (error: unknown) => {
          const e = networkError(error, "zoho-desk", "create ticket");
          return { message: e.message, maybeApplied: e.maybeApplied, transient: e.transient };
        },
      );
    expect(await outcome(createHttpClient("http://127.0.0.1:1", 5_000).text({ url: "/x" }))).toEqual({
      message: "zoho-desk: create ticket could not connect (ECONNREFUSED)",
      maybeApplied: false,
      transient: true,
    });
    expect(await outcome(createHttpClient(origin, 200).text({ url: "/silent" }))).toMatchObject({ message: expect.stringContaining("timed out"), maybeApplied: true });
    expect(await outcome(createHttpClient(origin, 5_000).text({ url: "/drop" }))).toMatchObject({ message: expect.stringContaining("connection failed"), maybeApplied: true });
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2026-11-25T10:00:00Z");

  it("reads seconds, an HTTP date and retry-after-ms, and nothing from an absent or unreadable header", () => {
    expect(retryAfterMs({ "retry-after": "120" }, now)).toBe(120_000);
    expect(retryAfterMs({ "retry-after": "Wed, 25 Nov 2026 10:00:30 GMT" }, now)).toBe(30_000);
    expect(retryAfterMs({ "retry-after-ms": "250", "retry-after": "9" }, now)).toBe(250);
    expect(retryAfterMs({}, now)).toBeNull();
    expect(retryAfterMs({ "retry-after": "soon" }, now)).toBeNull();
  });

  it("takes a wait longer than a day as a day, so a pause stays a real date", () => {
    for (const headers of [{ "retry-after": "1e300" }, { "retry-after-ms": "1e300" }, { "retry-after": "Fri, 31 Dec 9999 23:59:59 GMT" }]) {
      const ms = retryAfterMs(headers, now)!;
      expect(ms).toBe(86_400_000);
      expect(new Date(now + ms).toISOString()).toBe("2026-11-26T10:00:00.000Z");
    }
  });
});
