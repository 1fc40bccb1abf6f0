import type { SandboxRequest } from "../core/http-service.js";
import { multipartBoundary, parseMultipart } from "./multipart.js";

/**
 * Zoho Accounts reads its parameters from the query string and from a form body, urlencoded or
 * multipart (zoho-desk.md §1.3). The body wins where both name a parameter.
 */
export function requestParams(request: SandboxRequest): Map<string, string> {
  const params = new Map<string, string>(request.query.entries());
  const contentType = String(request.headers["content-type"] ?? "");
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    for (const [key, value] of new URLSearchParams(request.body.toString("utf8"))) params.set(key, value);
  }
  const boundary = multipartBoundary(contentType);
  if (boundary) {
    for (const part of parseMultipart(request.body, boundary) ?? []) if (part.filename === null) params.set(part.name, part.data.toString("utf8"));
  }
  return params;
}

/** Client credentials sent as HTTP Basic auth, which Zoho accepts instead of parameters. */
export function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | null {
  const match = /^Basic\s+(.+)$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
}
