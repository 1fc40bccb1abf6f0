import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingUpload, uploadFetch } from "./upload-fetch.js";

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  socketPort: number;
}

let dir: string;
let server: http.Server;
let base: string;
const received: Received[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "upload-fetch-"));
  server = http.createServer((request, response) => {
    if (request.url === "/refuse") {
      // Answers before reading the body, as a server does for a bad key.
      response.writeHead(401, { "content-type": "application/json" }).end('{"err_code":"INVALID_AUTH"}');
      return;
    }
    if (request.url === "/drop") {
      request.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks), socketPort: request.socket.remotePort ?? 0 });
      if (request.url === "/slow") setTimeout(() => response.end("{}"), 2000);
      else response.writeHead(200, { "content-type": "application/json", "x-request-id": "r1" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

async function recording(name: string, bytes: number): Promise<string> {
  const file = path.join(dir, name);
  const data = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) data[i] = i % 251;
  await writeFile(file, data);
  return file;
}

describe("uploadFetch", () => {
  const send = uploadFetch(() => Promise.reject(new Error("fallback used")));

  it("sends the whole file with its length and the caller's headers, over a reused connection", async () => {
    const file = await recording("a.mp3", 1_300_000);
    received.length = 0;
    for (let i = 0; i < 2; i++) {
      const response = await send(`${base}/v1/listen?model=nova-3`, {
        method: "POST",
        headers: { Authorization: "Token k", "Content-Type": "audio/mpeg" },
        body: new RecordingUpload(file, 1_300_000) as unknown as RequestInit["body"],
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("x-request-id")).toBe("r1");
      expect(await response.json()).toEqual({ ok: true });
    }
    expect(received).toHaveLength(2);
    const [first, second] = received;
    expect(first!.headers["content-length"]).toBe("1300000");
    expect(first!.headers.authorization).toBe("Token k");
    expect(first!.headers["content-type"]).toBe("audio/mpeg");
    expect(first!.body.equals(await readFile(file))).toBe(true);
    expect(second!.socketPort).toBe(first!.socketPort);
  });

  it("gives back an answer that comes before the upload is finished", async () => {
    const file = await recording("b.mp3", 4_000_000);
    const response = await send(`${base}/refuse`, { method: "POST", body: new RecordingUpload(file, 4_000_000) as unknown as RequestInit["body"] });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ err_code: "INVALID_AUTH" });
  });

  it("fails on a dropped connection, a file shorter than said, and an abort", async () => {
    const file = await recording("c.mp3", 100_000);
    await expect(send(`${base}/drop`, { method: "POST", body: new RecordingUpload(file, 100_000) as unknown as RequestInit["body"] })).rejects.toThrow(/upload failed/);
    await expect(send(`${base}/v1/listen`, { method: "POST", body: new RecordingUpload(file, 200_000) as unknown as RequestInit["body"] })).rejects.toThrow(/100000 bytes, not 200000/);
    const aborted = send(`${base}/slow`, { method: "POST", body: new RecordingUpload(file, 100_000) as unknown as RequestInit["body"], signal: AbortSignal.timeout(200) });
    await expect(aborted).rejects.toMatchObject({ cause: { name: "AbortError" } });
  });

  it("leaves any other request to the fallback fetch", async () => {
    await expect(send(`${base}/v1/projects`, { method: "GET" })).rejects.toThrow("fallback used");
  });
});
