import { describe, expect, it } from "vitest";
import { multipartBoundary, parseMultipart } from "./multipart.js";

describe("multipart reader", () => {
  it("reads what fetch's FormData sends, file bytes untouched", async () => {
    const form = new FormData();
    form.append("isPublic", "false");
    const bytes = Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]);
    form.append("file", new Blob([bytes], { type: "application/octet-stream" }), "recording.bin");
    const request = new Request("http://x.invalid", { method: "POST", body: form });
    const boundary = multipartBoundary(request.headers.get("content-type") ?? undefined);
    expect(boundary).not.toBeNull();
    const parts = parseMultipart(Buffer.from(await request.arrayBuffer()), boundary!);
    expect(parts?.map((p) => [p.name, p.filename, p.contentType])).toEqual([
      ["isPublic", null, null],
      ["file", "recording.bin", "application/octet-stream"],
    ]);
    expect(parts?.[0]?.data.toString()).toBe("false");
    expect(parts?.[1]?.data.equals(bytes)).toBe(true);
  });

  it("finds the boundary with or without quotes and rejects other types", () => {
    expect(multipartBoundary('multipart/form-data; boundary="abc def"')).toBe("abc def");
    expect(multipartBoundary("multipart/form-data; boundary=xyz; charset=utf-8")).toBe("xyz");
    expect(multipartBoundary("application/json")).toBeNull();
    expect(multipartBoundary(undefined)).toBeNull();
  });

  it("returns null for a body that is not multipart", () => {
    expect(parseMultipart(Buffer.from("just text"), "b")).toBeNull();
    expect(parseMultipart(Buffer.from("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nunterminated"), "b")).toBeNull();
  });
});
