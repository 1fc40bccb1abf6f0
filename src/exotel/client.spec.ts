import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ServiceError } from "../lib/errors.js";
import { ServiceLimiter } from "../lib/limiter.js";
import { ExotelClient } from "./client.js";

const AUDIO = Buffer.from("ID3\u0003\u0000\u0000\u0000\u0000\u0000\u0000 fake mp3 bytes", "latin1");
const SIGNATURE = "X-Amz-Signature=5ec1e7";

/** What the server received: path and query, and the Authorization header if any. */
const seen: Array<{ url: string; authorization: string | null }> = [];
let failNextTarget = false;
let server: http.Server;
let origin: string;
let otherOrigin: string;
let dir: string;
let client: ExotelClient;
const authorization = `Basic ${Buffer.from("the-key:the-token").toString("base64")}`;

function redirect(response: http.ServerResponse, status: number, location: string): void {
  response.writeHead(status, { location, "content-type": "text/html" }).end("<html>moved</html>");
}

/**
 * `/chain/<n>/x.mp3` redirects n times (relative Locations carrying a signature) before the audio;
 * the others each show one kind of redirect.
 */
function handle(request: http.IncomingMessage, response: http.ServerResponse): void {
  seen.push({ url: request.url!, authorization: request.headers.authorization ?? null });
  const url = new URL(request.url!, origin);
  const chain = /^\/chain\/(\d+)\/x\.mp3$/.exec(url.pathname);
  if (chain && Number(chain[1]) > 0) return redirect(response, 307, `../${Number(chain[1]) - 1}/x.mp3?${SIGNATURE}`);
  if (url.pathname === "/to-other-host.mp3") return redirect(response, 301, `${otherOrigin}/audio.mp3`);
  if (url.pathname === "/to-api-host.mp3") return redirect(response, 302, `${origin}/audio.mp3`);
  if (url.pathname === "/to-signed.mp3") return redirect(response, 302, `/audio.mp3?${SIGNATURE}`);
  if (url.pathname === "/to-ftp.mp3") return redirect(response, 302, "ftp://127.0.0.1/audio.mp3");
  if (url.pathname === "/to-flaky.mp3") return redirect(response, 303, "/flaky.mp3");
  if (url.pathname === "/flaky.mp3" && failNextTarget) {
    failNextTarget = false;
    response.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error");
    return;
  }
  response.writeHead(200, { "content-type": "audio/mpeg", "content-length": String(AUDIO.length) }).end(AUDIO);
}

beforeAll(async () => {
  server = http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  // The same server under another name: a host that does not get Exotel's credentials.
  otherOrigin = `http://localhost:${port}`;
  dir = await fs.mkdtemp(path.join(tmpdir(), "zct-exotel-client-"));
  client = new ExotelClient(
    { accountSid: "acme1", apiKey: "the-key", apiToken: "the-token", baseUrl: origin, maxRequestsPerMinute: 200 },
    { limiter: new ServiceLimiter(), downloadLimiter: new ServiceLimiter(), retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1_000 } },
  );
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen.length = 0;
});

let files = 0;
async function download(pathAndQuery: string, from = origin): Promise<{ bytes: number; file: string }> {
  const file = path.join(dir, `${++files}.mp3`);
  const bytes = await client.download(`${from}${pathAndQuery}`, file, "CA123");
  return { bytes, file };
}

describe("ExotelClient.download and redirects", () => {
  it("follows up to 5 redirects, resolving relative Locations, and keeps the audio", async () => {
    const { bytes, file } = await download("/chain/5/x.mp3");
    expect(bytes).toBe(AUDIO.length);
    expect((await fs.readFile(file)).equals(AUDIO)).toBe(true);
    expect(seen.map((s) => s.url)).toEqual(["/chain/5/x.mp3", ...[4, 3, 2, 1, 0].map((n) => `/chain/${n}/x.mp3?${SIGNATURE}`)]);
  });

  it("fails a sixth redirect at once with a message naming the call and neither credentials nor signatures", async () => {
    const error = await download("/chain/6/x.mp3").then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).message).toBe("exotel: recording for CA123 redirected more than 5 times");
    expect(error).toMatchObject({ transient: false, status: 307, callSid: "CA123" });
    expect(JSON.stringify(error)).not.toMatch(/X-Amz|5ec1e7|the-token|Basic/);
    // Not retried: a loop does not mend.
    expect(seen).toHaveLength(6);
  });

  it("sends the Basic credentials to the API host, and not to another host or with a presigned URL", async () => {
    await download("/to-other-host.mp3");
    await download("/to-signed.mp3");
    expect(seen).toEqual([
      { url: "/to-other-host.mp3", authorization },
      { url: "/audio.mp3", authorization: null },
      { url: "/to-signed.mp3", authorization },
      { url: `/audio.mp3?${SIGNATURE}`, authorization: null },
    ]);
  });

  it("after a redirect, sends the credentials in clear only to the URL's own origin", async () => {
    // Started elsewhere, led to the API host over plain HTTP: the key would cross the network readable.
    await download("/to-api-host.mp3", otherOrigin);
    expect(seen).toEqual([
      { url: "/to-api-host.mp3", authorization: null },
      { url: "/audio.mp3", authorization: null },
    ]);
  });

  it("refuses a redirect to an address that is not http or https", async () => {
    await expect(download("/to-ftp.mp3")).rejects.toThrow("exotel: recording for CA123 was redirected to an address that is not http or https");
    expect(seen).toHaveLength(1);
  });

  it("retries a transient failure from the original URL, the chain counting as one try", async () => {
    failNextTarget = true;
    expect((await download("/to-flaky.mp3")).bytes).toBe(AUDIO.length);
    expect(seen.map((s) => s.url)).toEqual(["/to-flaky.mp3", "/flaky.mp3", "/to-flaky.mp3", "/flaky.mp3"]);
  });
});
