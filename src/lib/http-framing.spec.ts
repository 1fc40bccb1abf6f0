import { describe, expect, it } from "vitest";
import { BodyDecoder, HttpFramingError, isInterim, MAX_HEAD_BYTES, parseResponseHead, type ResponseHead } from "./http-framing.js";

const head = (text: string) => parseResponseHead(Buffer.from(text, "latin1"));

/** Feeds `body` to a decoder in pieces of `step` bytes and returns the content it picked out. */
function decode(responseHead: ResponseHead, body: string, step = body.length): { content: string; done: boolean } {
  const decoder = new BodyDecoder(responseHead);
  const bytes = Buffer.from(body, "latin1");
  let content = "";
  for (let at = 0; at < bytes.length && !decoder.done; at += step) {
    const ranges: Array<[number, number]> = [];
    decoder.feed(bytes, at, Math.min(bytes.length, at + step), ranges);
    for (const [start, end] of ranges) content += bytes.toString("latin1", start, end);
  }
  return { content, done: decoder.done };
}

const chunked: ResponseHead = { status: 200, headers: { "transfer-encoding": "chunked" } };

describe("parseResponseHead", () => {
  it("reads the status and headers (lower-case, repeats joined) and says where the body starts", () => {
    const text = "HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\nX-Seen: a\r\nx-seen: b\r\nContent-Length: 3\r\n\r\nabc";
    expect(head(text)).toEqual({ head: { status: 200, headers: { "content-type": "audio/mpeg", "x-seen": "a, b", "content-length": "3" } }, length: text.length - 3 });
  });

  it("waits for the blank line, however the head is split", () => {
    const text = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    for (let cut = 0; cut < text.length; cut++) expect(head(text.slice(0, cut))).toBeNull();
    expect(head(text)?.head.status).toBe(404);
  });

  it("accepts bare LF line ends, HTTP/1.0 and a status line without a reason", () => {
    const text = "HTTP/1.0 200\nContent-Length: 1\n\nx";
    expect(head(text)).toEqual({ head: { status: 200, headers: { "content-length": "1" } }, length: text.length - 1 });
  });

  it("refuses what is not an HTTP/1.x answer, a nameless header and a head that never ends", () => {
    expect(() => head("SSH-2.0-OpenSSH\r\n\r\n")).toThrow(HttpFramingError);
    expect(() => head("HTTP/1.1 200 OK\r\n: no name\r\n\r\n")).toThrow(/without a name/);
    expect(() => head(`HTTP/1.1 200 OK\r\nX: ${"y".repeat(MAX_HEAD_BYTES)}`)).toThrow(/larger than/);
  });

  it("tells interim answers (100 Continue, 103 Early Hints) from final ones", () => {
    expect([100, 103, 101, 200].map((status) => isInterim({ status, headers: {} }))).toEqual([true, true, false, false]);
  });
});

describe("BodyDecoder", () => {
  it("takes exactly Content-Length bytes, in any pieces, and ignores what follows", () => {
    const h = { status: 200, headers: { "content-length": "5" } };
    for (const step of [1, 2, 7]) expect(decode(h, "hello, and more", step)).toEqual({ content: "hello", done: true });
    expect(decode(h, "hel")).toEqual({ content: "hel", done: false });
  });

  it("has no body for 204 and 304, or with Content-Length 0", () => {
    expect(new BodyDecoder({ status: 204, headers: {} }).done).toBe(true);
    expect(new BodyDecoder({ status: 304, headers: { "content-length": "9" } }).done).toBe(true);
    expect(new BodyDecoder({ status: 200, headers: { "content-length": "0" } }).done).toBe(true);
  });

  it("refuses a Content-Length that is not one whole number", () => {
    for (const value of ["-1", "1.5", "abc", "3, 4", ""]) expect(() => new BodyDecoder({ status: 200, headers: { "content-length": value } }), value).toThrow(HttpFramingError);
    expect(decode({ status: 200, headers: { "content-length": "2, 2" } }, "abc")).toEqual({ content: "ab", done: true });
  });

  it("reads to the connection's end when nothing else frames the body", () => {
    const decoder = new BodyDecoder({ status: 200, headers: {} });
    expect(decoder.endsWithConnection).toBe(true);
    expect(decode({ status: 200, headers: {} }, "all of it")).toEqual({ content: "all of it", done: false });
  });

  it("decodes chunked bodies with extensions, trailers and bare LF, split at every byte", () => {
    const body = "5;name=value\r\nhello\r\n1A\r\n, this is twenty-six bytes\r\n0\r\nX-Trailer: 1\r\n\r\nextra";
    for (const step of [1, 3, body.length]) expect(decode(chunked, body, step)).toEqual({ content: "hello, this is twenty-six bytes", done: true });
    expect(decode(chunked, "3\nabc\n0\n\n")).toEqual({ content: "abc", done: true });
  });

  it("is not done while a chunked body lacks its last chunk", () => {
    expect(decode(chunked, "5\r\nhello\r\n")).toEqual({ content: "hello", done: false });
    expect(decode(chunked, "5\r\nhel")).toEqual({ content: "hel", done: false });
  });

  it("refuses a broken chunked body", () => {
    expect(() => decode(chunked, "zz\r\nhello\r\n")).toThrow(/not hexadecimal/);
    expect(() => decode(chunked, "2\r\nhello\r\n")).toThrow(/longer than its size line/);
    expect(() => decode(chunked, "1".repeat(5000))).toThrow(/too long/);
  });

  it("merges neighbouring content into one range", () => {
    const decoder = new BodyDecoder({ status: 200, headers: { "content-length": "10" } });
    const bytes = Buffer.from("0123456789");
    const ranges: Array<[number, number]> = [];
    decoder.feed(bytes, 0, 4, ranges);
    decoder.feed(bytes, 4, 10, ranges);
    expect(ranges).toEqual([[0, 10]]);
  });
});
