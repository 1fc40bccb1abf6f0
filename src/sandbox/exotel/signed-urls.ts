import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * `PreSignedRecordingUrl` is an S3 presigned URL (exotel.md §5): no credentials needed, good for
 * `RecordingUrlValidity` minutes. The emulator signs the path, the signing time and the lifetime.
 */

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function parseAmzDate(text: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export type SignatureCheck = "valid" | "expired" | "bad-signature";

export class RecordingSigner {
  private readonly secret = randomBytes(32);

  private signature(path: string, date: string, expiresSeconds: string): string {
    return createHmac("sha256", this.secret).update(`${path}\n${date}\n${expiresSeconds}`).digest("hex");
  }

  /** The query string (with `?`) that makes `path` downloadable without credentials for `minutes`. */
  sign(path: string, now: number, minutes: number): string {
    const date = amzDate(now);
    const expires = String(minutes * 60);
    const query = new URLSearchParams({
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": `AKIASANDBOXRECORDING/${date.slice(0, 8)}/ap-south-1/s3/aws4_request`,
      "X-Amz-Date": date,
      "X-Amz-Expires": expires,
      "X-Amz-SignedHeaders": "host",
      "X-Amz-Signature": this.signature(path, date, expires),
    });
    return `?${query.toString()}`;
  }

  check(path: string, query: URLSearchParams, now: number): SignatureCheck {
    const date = query.get("X-Amz-Date") ?? "";
    const expires = query.get("X-Amz-Expires") ?? "";
    const given = Buffer.from(query.get("X-Amz-Signature") ?? "", "utf8");
    const expected = Buffer.from(this.signature(path, date, expires), "utf8");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "bad-signature";
    const signedAt = parseAmzDate(date);
    if (signedAt === null) return "bad-signature";
    return now < signedAt + Number(expires) * 1000 ? "valid" : "expired";
  }
}

export function isSignedRequest(query: URLSearchParams): boolean {
  return query.has("X-Amz-Signature");
}

/** What S3 answers a presigned request it refuses. */
export function s3AccessDenied(reason: SignatureCheck): string {
  const [code, message] =
    reason === "expired" ? ["AccessDenied", "Request has expired"] : ["SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."];
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomBytes(8).toString("hex").toUpperCase()}</RequestId></Error>`;
}
