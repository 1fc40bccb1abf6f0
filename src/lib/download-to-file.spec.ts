import { createHash, randomBytes } from "node:crypto";
import { promises as fs, readFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadToFile, type DownloadRequest } from "./download-to-file.js";

/** What the raw server does with a connection, chosen by the request's path. */
type Reply = (socket: net.Socket, request: string) => void;

const recording = randomBytes(3 * 1024 * 1024 + 17);
const sha = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const requests: string[] = [];

/** Writes `parts` one after another, each in its own packet, then closes unless told not to. */
const send =
  (parts: Array<string | Buffer>, close = true): Reply =>
  (socket) => {
    let i = 0;
    const next = () => {
      if (i < parts.length) socket.write(parts[i++]!, () => setTimeout(next, 2));
      else if (close) socket.end();
    };
    next();
  };

function chunkedBody(bytes: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) {
    const piece = bytes.subarray(at, at + size);
    parts.push(Buffer.concat([Buffer.from(`${piece.length.toString(16)};ext=1\r\n`), piece, Buffer.from("\r\n")]));
  }
  return [Buffer.concat([...parts, Buffer.from("0\r\nX-Checksum: none\r\n\r\n")])];
}

const replies: Record<string, Reply> = {
  "/length": send([`HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\nContent-Length: ${recording.length}\r\n\r\n`, recording]),
  "/split-head": send(["HTTP/1.1 20", "0 OK\r\nContent-Le", `ngth: 5\r`, "\n\r\nhel", "lo"]),
  "/chunked": send([`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n`, ...chunkedBody(recording, 100_000)]),
  "/until-close": send(["HTTP/1.0 200 OK\r\n\r\n", recording.subarray(0, 200_000)]),
  "/continue-first": send(["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"]),
  "/keeps-open": send(["HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"], false),
  "/cut-short": send([`HTTP/1.1 200 OK\r\nContent-Length: ${recording.length}\r\n\r\n`, recording.subarray(0, 700_000)]),
  "/chunked-cut-short": send(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"]),
  "/empty": send(["HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"]),
  "/denied": send([`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nRetry-After: 9\r\nContent-Length: 20000\r\n\r\n{"message":"no"}${" ".repeat(19_984)}`]),
  "/garbage": send(["SSH-2.0-OpenSSH_9.2\r\n\r\n"]),
  "/bad-chunk": send(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n"]),
  "/no-answer": (socket) => socket.destroy(),
  "/silent": () => {},
};

let server: net.Server;
let tlsServer: tls.Server;
let origin: string;
let dir: string;
const cert = readFileSync(new URL("./testdata/localhost-test.crt", import.meta.url));
const key = readFileSync(new URL("./testdata/localhost-test.key", import.meta.url));

function serve(socket: net.Socket): void {
  let head = "";
  socket.on("error", () => {});
  socket.on("data", (data) => {
    if (head.includes("\r\n\r\n")) return;
    head += data.toString("latin1");
    if (!head.includes("\r\n\r\n")) return;
    requests.push(head);
    const target = head.split(" ")[1]!.split("?")[0]!;
    (replies[target] ?? send(["HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"]))(socket, head);
  });
}

const listen = (s: net.Server) => new Promise<number>((resolve) => s.listen(0, "127.0.0.1", () => resolve((s.address() as net.AddressInfo).port)));

beforeAll(async () => {
  server = net.createServer(serve);
  tlsServer = tls.createServer({ cert, key }, serve);
  origin = `http://127.0.0.1:${await listen(server)}`;
  dir = await fs.mkdtemp(path.join(tmpdir(), "zct-download-"));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => tlsServer.close(resolve));
  await fs.rm(dir, { recursive: true, force: true });
});

let files = 0;
function download(url: string, extra: Partial<DownloadRequest> = {}) {
  const file = path.join(dir, `${++files}.mp3`);
  const answer = downloadToFile({ url: new URL(url), headers: { Authorization: "Basic c2VjcmV0" }, timeoutMs: 5_000, file, wanted: (h) => h.status === 200, ...extra });
  return { file, answer };
}

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => "no error",
    (error: NodeJS.ErrnoException) => error.code,
  );

describe("downloadToFile", () => {
  it("streams a Content-Length body to the file, fsynced, byte for byte, and sends our headers", async () => {
    const { file, answer } = download(`${origin}/length?x=1`);
    expect(await answer).toMatchObject({ status: 200, bytes: recording.length, complete: true, text: "" });
    expect(sha(await fs.readFile(file))).toBe(sha(recording));
    const sent = requests.at(-1)!;
    expect(sent).toMatch(/^GET \/length\?x=1 HTTP\/1\.1\r\n/);
    expect(sent).toContain(`Host: ${new URL(origin).host}\r\n`);
    expect(sent).toContain("Authorization: Basic c2VjcmV0\r\n");
    expect(sent).toContain("Connection: close\r\n");
  });

  it("decodes a chunked body and reads a body framed by the connection's end", async () => {
    const chunked = download(`${origin}/chunked`);
    expect(await chunked.answer).toMatchObject({ status: 200, bytes: recording.length, complete: true });
    expect(sha(await fs.readFile(chunked.file))).toBe(sha(recording));
    const untilClose = download(`${origin}/until-close`);
    expect(await untilClose.answer).toMatchObject({ bytes: 200_000, complete: true });
    expect(sha(await fs.readFile(untilClose.file))).toBe(sha(recording.subarray(0, 200_000)));
  });

  it("reads a head split across packets, skips a 100 Continue, and does not wait for the server to close", async () => {
    const split = download(`${origin}/split-head`);
    expect(await split.answer).toMatchObject({ status: 200, bytes: 5, complete: true });
    expect(await fs.readFile(split.file, "utf8")).toBe("hello");
    const interim = download(`${origin}/continue-first`);
    expect(await interim.answer).toMatchObject({ status: 200, bytes: 3 });
    const open = download(`${origin}/keeps-open`);
    expect(await open.answer).toMatchObject({ status: 200, bytes: 3, complete: true });
  });

  it("says when the connection ended before the body did", async () => {
    expect(await download(`${origin}/cut-short`).answer).toMatchObject({ status: 200, bytes: 700_000, complete: false });
    expect(await download(`${origin}/chunked-cut-short`).answer).toMatchObject({ status: 200, bytes: 5, complete: false });
  });

  it("keeps the start of an unwanted answer as text, with its headers, and creates no file", async () => {
    const { file, answer } = download(`${origin}/denied`);
    const denied = await answer;
    expect(denied).toMatchObject({ status: 403, bytes: 0, complete: true, headers: { "retry-after": "9" } });
    expect(denied.text.startsWith('{"message":"no"}')).toBe(true);
    expect(denied.text.length).toBe(4096);
    await expect(fs.stat(file)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("creates an empty file for an empty wanted body", async () => {
    const { file, answer } = download(`${origin}/empty`);
    expect(await answer).toMatchObject({ status: 200, bytes: 0, complete: true });
    expect((await fs.stat(file)).size).toBe(0);
  });

  it("fails with a code networkError can name: refused, no answer, silence, not HTTP, broken chunks", async () => {
    const closed = net.createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    expect(await outcome(download(`http://127.0.0.1:${port}/`).answer)).toBe("ECONNREFUSED");
    expect(await outcome(download(`${origin}/no-answer`).answer)).toBe("ECONNRESET");
    expect(await outcome(download(`${origin}/silent`, { timeoutMs: 200 }).answer)).toBe("ETIMEDOUT");
    expect(await outcome(download(`${origin}/garbage`).answer)).toBe("ERR_HTTP_FRAMING");
    expect(await outcome(download(`${origin}/bad-chunk`).answer)).toBe("ERR_HTTP_FRAMING");
  });

  it("refuses a header value with a line break before it connects", async () => {
    let connections = 0;
    const counting = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    const port = await listen(counting);
    await expect(download(`http://127.0.0.1:${port}/`, { headers: { "X-Bad": "a\r\nHost: elsewhere" } }).answer).rejects.toThrow(/line break/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => counting.close(resolve));
    expect(connections).toBe(0);
  });

  it("downloads over HTTPS, checking the server's certificate", async () => {
    const port = await listen(tlsServer);
    const trusted = download(`https://localhost:${port}/length`, { ca: cert });
    expect(await trusted.answer).toMatchObject({ status: 200, bytes: recording.length, complete: true });
    expect(sha(await fs.readFile(trusted.file))).toBe(sha(recording));
    expect(await outcome(download(`https://localhost:${port}/length`).answer)).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
  });

  it("runs many downloads at once without mixing their bytes (the memory is pooled)", async () => {
    const runs = Array.from({ length: 12 }, (_, i) => download(`${origin}/${i % 2 ? "chunked" : "length"}`));
    const answers = await Promise.all(runs.map((r) => r.answer));
    expect(answers.every((a) => a.bytes === recording.length && a.complete)).toBe(true);
    for (const run of runs) expect(sha(await fs.readFile(run.file))).toBe(sha(recording));
  });
});
