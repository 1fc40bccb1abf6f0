import type { SandboxResponse } from "../core/http-service.js";

/** JSON when the path ends in `.json`, XML otherwise (exotel.md §1). */
export type WireFormat = "json" | "xml";

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Arrays become repeated children: `{Leg: {...}}` items keep their own name, plain objects take the singular. */
function element(name: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return `<${name}/>`;
  if (Array.isArray(value)) {
    const singular = name.endsWith("s") ? name.slice(0, -1) : name;
    const children = value.map((item) => {
      const entries = item !== null && typeof item === "object" ? Object.entries(item) : [];
      const only = entries.length === 1 ? entries[0] : undefined;
      return only && only[1] !== null && typeof only[1] === "object" && !Array.isArray(only[1]) ? element(only[0], only[1]) : element(singular, item);
    });
    return `<${name}>${children.join("")}</${name}>`;
  }
  if (typeof value === "object") {
    return `<${name}>${Object.entries(value).map(([k, v]) => element(k, v)).join("")}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function toTwilioXml(body: Record<string, unknown>): string {
  const inner = Object.entries(body)
    .map(([k, v]) => element(k, v))
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<TwilioResponse>${inner}</TwilioResponse>\n`;
}

export function answer(format: WireFormat, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): SandboxResponse {
  if (format === "xml") return { status, headers: { "content-type": "application/xml; charset=utf-8", ...headers }, body: toTwilioXml(body) };
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(body) };
}

/** `{"RestException":{"Status":400,"Message":"…"}}`, Exotel's error body (exotel.md §7). */
export function restException(status: number, message: string, format: WireFormat = "json"): SandboxResponse {
  return answer(format, status, { RestException: { Status: status, Message: message } });
}

export const MESSAGES = {
  unauthorized: "Authentication is required to view this resource. Check your API key and API token.",
  notFound: "No matching results",
  rateLimited: "Too many requests. The limit for this account is {limit} requests per minute.",
  unknownRoute: "The requested resource was not found",
  methodNotAllowed: "Method not allowed",
} as const;
