import { open } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";

/**
 * A recording to upload, named by its path. The SDK passes a stream through to its fetch
 * untouched (and names the upload after `path`); `uploadFetch` recognises this one and sends the
 * file itself, so the stream is never read.
 */
export class RecordingUpload extends Readable {
  constructor(
    readonly path: string,
    readonly bytes: number,
  ) {
    super();
  }

  override _read(): void {
    this.destroy(new Error("a RecordingUpload is sent by uploadFetch, not read"));
  }
}

/**
 * Read size for uploads. One buffer per upload is reused for every read: with a read stream each
 * read is a fresh buffer that lives until the next garbage collection, and a 50 MB recording then
 * cost 30–75 MB of memory while it went out (measured with fetch and with a piped stream).
 */
const UPLOAD_BUFFER_BYTES = 256 * 1024;

const transports: Record<string, { request: typeof http.request; agent: http.Agent }> = {
  "http:": { request: http.request, agent: new http.Agent({ keepAlive: true }) },
  "https:": { request: https.request, agent: new https.Agent({ keepAlive: true }) },
};

/** Statuses whose answers have no body (a Response refuses one). */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A `fetch` for the Deepgram SDK: a `RecordingUpload` body goes from disk to the socket through
 * one reused buffer, with backpressure; any other request goes to `fallback`.
 */
export function uploadFetch(fallback: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => {
    const body = init?.body as unknown;
    if (!(body instanceof RecordingUpload)) return fallback(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    return sendRecording(url, init ?? {}, body);
  };
}

async function sendRecording(url: URL, init: RequestInit, upload: RecordingUpload): Promise<Response> {
  const transport = transports[url.protocol];
  if (!transport) throw new TypeError(`cannot upload to a ${url.protocol} address`);
  const file = await open(upload.path, "r");
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  headers["content-length"] = String(upload.bytes);
  let request: http.ClientRequest;
  try {
    request = transport.request(url, { method: init.method ?? "POST", headers, agent: transport.agent, signal: init.signal ?? undefined });
  } catch (error) {
    await file.close();
    throw error;
  }

  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    let sent = false;
    request.on("error", (error) => reject(new TypeError(`upload failed: ${error.message}`, { cause: error })));
    request.once("response", (response) => {
      answered = true;
      // An answer before the whole body went out (a 4xx, say) leaves the connection mid-request: not reusable.
      response.once("end", () => {
        if (!sent) request.destroy();
      });
      const responseHeaders = new Headers();
      for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) responseHeaders.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
      const status = response.statusCode ?? 500;
      if (NO_BODY.has(status)) response.on("error", () => {}).resume();
      resolve(
        new Response(NO_BODY.has(status) ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>), {
          status,
          statusText: response.statusMessage ?? "",
          headers: responseHeaders,
        }),
      );
    });
    void (async () => {
      try {
        const buffer = Buffer.allocUnsafe(Math.min(UPLOAD_BUFFER_BYTES, Math.max(upload.bytes, 1)));
        let remaining = upload.bytes;
        while (remaining > 0 && !answered && !request.destroyed) {
          const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, remaining), null);
          if (bytesRead === 0) throw new Error(`the recording is ${upload.bytes - remaining} bytes, not ${upload.bytes}`);
          remaining -= bytesRead;
          await writeChunk(request, buffer.subarray(0, bytesRead));
        }
        if (remaining === 0) {
          sent = true;
          request.end();
        }
      } catch (error) {
        request.destroy(error instanceof Error ? error : new Error(String(error)));
      } finally {
        await file.close().catch(() => {});
      }
    })();
  });
}

/** Resolves once the chunk has gone to the socket, so its buffer may be filled again. */
function writeChunk(request: http.ClientRequest, chunk: Buffer): Promise<void> {
  return new Promise((done, fail) => {
    const onClose = () => fail(new Error("the connection closed during the upload"));
    request.once("close", onClose);
    request.write(chunk, (error) => {
      request.off("close", onClose);
      if (error) fail(error);
      else done();
    });
  });
}
