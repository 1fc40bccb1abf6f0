import type { SandboxRequest, SandboxResponse } from "../core/http-service.js";
import { badRequest, emptyPayload, unprocessable, unsupportedMediaType } from "./desk-errors.js";
import type { DeskStore } from "./desk-store.js";

/** What every Desk endpoint gets: the request, the path's captures and the portal. */
export interface DeskContext {
  request: SandboxRequest;
  /** Captures of the route's pattern, e.g. the ticket id. */
  params: string[];
  store: DeskStore;
  settings: DeskSettings;
}

export interface DeskSettings {
  priorities: string[];
  maxAttachmentBytes: number;
  /** Origin of this Desk API (for attachment `href`s). */
  apiOrigin(): string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; response: SandboxResponse };
export const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
export const fail = <T>(response: SandboxResponse): Checked<T> => ({ ok: false, response });

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON object body: 415 for another content type, 422 EMPTY_PAYLOAD for nothing, 400 for broken JSON. */
export function readJsonObject(request: SandboxRequest): Checked<Record<string, unknown>> {
  const type = String(request.headers["content-type"] ?? "");
  if (request.body.length === 0) return fail(emptyPayload());
  if (!/^application\/json\b/i.test(type)) return fail(unsupportedMediaType());
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString("utf8"));
  } catch {
    return fail(badRequest("The request body is not valid JSON."));
  }
  if (!isPlainObject(parsed)) return fail(badRequest("The request body must be a JSON object."));
  if (Object.keys(parsed).length === 0) return fail(emptyPayload());
  return ok(parsed);
}

export interface Paging {
  from: number;
  limit: number;
}

/** `from` (0-based index) and `limit` within the endpoint's bounds; else 422 UNPROCESSABLE_ENTITY. */
export function readPaging(query: URLSearchParams, bounds: { defaultLimit: number; maxLimit: number }): Checked<Paging> {
  const fromText = query.get("from") ?? "0";
  const limitText = query.get("limit") ?? String(bounds.defaultLimit);
  if (!/^\d+$/.test(fromText)) return fail(unprocessable(`The value '${fromText}' of the parameter 'from' is invalid: use a whole number from 0.`));
  const limit = /^\d+$/.test(limitText) ? Number(limitText) : NaN;
  if (!(limit >= 1 && limit <= bounds.maxLimit)) {
    return fail(unprocessable(`The value '${limitText}' of the parameter 'limit' is invalid: use a whole number from 1 to ${bounds.maxLimit}.`));
  }
  return ok({ from: Number(fromText), limit });
}

/** Rejects parameters the endpoint does not know, so a misspelt filter cannot silently match everything. */
export function onlyParams(query: URLSearchParams, allowed: ReadonlySet<string>): Checked<null> {
  for (const key of query.keys()) {
    if (!allowed.has(key)) return fail(unprocessable(`The parameter '${key}' is not supported here.`));
  }
  return ok(null);
}

/** A page of a list or search: 204 with no body when empty (zoho-desk.md §2). */
export function pageAnswer<T>(items: T[], paging: Paging, options: { count: boolean }): SandboxResponse {
  const page = items.slice(paging.from, paging.from + paging.limit);
  if (page.length === 0) return { status: 204, body: null };
  return { status: 200, body: options.count ? { data: page, count: items.length } : { data: page } };
}
