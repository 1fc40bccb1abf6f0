import { z } from "zod";
import { parseIst } from "../../lib/ist-time.js";
import { CALL_DIRECTIONS, TERMINAL_STATUSES } from "./call-seed.js";
import { decodeCursor, type Cursor } from "./cursor.js";

/** The bulk call list's filters, checked the way exotel.md §2 and §9 points 3–5 describe. */

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Without `DateCreated` the last 31 days are searched; a range may not be longer. */
export const DEFAULT_WINDOW_MS = 31 * DAY_MS;
/** Records are queryable for six months. */
export const MAX_AGE_MS = 183 * DAY_MS;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
const MAX_SIDS = 100;
const MAX_NUMBERS = 5;

export interface NumberRange {
  gte?: number;
  lte?: number;
  eq?: number;
}

export interface ListQuery {
  /** Inclusive bounds on `DateCreated`, in whole Unix seconds (the wire has second precision). */
  fromEpoch: number;
  toEpoch: number;
  sids: Set<string> | null;
  /** Last ten digits of each number asked for. */
  to: string[] | null;
  from: string[] | null;
  phoneNumbers: string[] | null;
  statuses: Set<string> | null;
  directions: Set<string> | null;
  duration: NumberRange | null;
  price: NumberRange | null;
  pageSize: number;
  order: "asc" | "desc";
  cursor: Cursor | null;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const StatusFilter = z.enum([...TERMINAL_STATUSES]);
const DirectionFilter = z.enum(CALL_DIRECTIONS);

/** Numbers are matched on their last ten digits: filters take E.164, responses carry `0`-prefixed ones. */
export function numberKey(raw: string): string {
  return raw.replace(/\D/g, "").slice(-10);
}

function list(value: string): string[] {
  return value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function parseDateCreated(value: string | null, now: number): Parsed<{ from: number; to: number }> {
  if (value === null) return { ok: true, value: { from: now - DEFAULT_WINDOW_MS, to: now } };
  const bounds: { gte?: number; lte?: number } = {};
  for (const part of value.split(";").filter((p) => p.trim() !== "")) {
    const match = /^\s*(gte|lte):(.+)$/.exec(part);
    const at = match ? parseIst(match[2]!.trim()) : null;
    if (!match || !at) {
      return { ok: false, message: `Invalid DateCreated "${value}": expected gte:YYYY-MM-DD HH:mm:ss;lte:YYYY-MM-DD HH:mm:ss` };
    }
    bounds[match[1] as "gte" | "lte"] = at.getTime();
  }
  if (bounds.gte === undefined && bounds.lte === undefined) {
    return { ok: false, message: `Invalid DateCreated "${value}": expected gte:YYYY-MM-DD HH:mm:ss;lte:YYYY-MM-DD HH:mm:ss` };
  }
  const to = bounds.lte ?? now;
  const from = bounds.gte ?? to - DEFAULT_WINDOW_MS;
  if (from > to) return { ok: false, message: "Invalid DateCreated: the start is after the end" };
  if (to - from > DEFAULT_WINDOW_MS) return { ok: false, message: "Invalid DateCreated: the range must not be longer than one month" };
  if (from < now - MAX_AGE_MS) return { ok: false, message: "Invalid DateCreated: call records older than 6 months cannot be queried" };
  return { ok: true, value: { from, to } };
}

function parseRange(name: string, value: string | null, unit: "s" | ""): Parsed<NumberRange | null> {
  if (value === null) return { ok: true, value: null };
  const range: NumberRange = {};
  const parts = value.split(";").filter((p) => p.trim() !== "");
  const pattern = unit === "s" ? /^(gte|lte|eq):(\d+)s?$/ : /^(gte|lte|eq):(\d+(?:\.\d+)?)$/;
  for (const part of parts) {
    const match = pattern.exec(part.trim());
    if (!match) return { ok: false, message: `Invalid ${name} "${value}": expected e.g. gte:10${unit};lte:45${unit} or eq:30${unit}` };
    range[match[1] as keyof NumberRange] = Number(match[2]);
  }
  if (parts.length === 0) return { ok: false, message: `Invalid ${name} "${value}"` };
  return { ok: true, value: range };
}

function parseNumbers(name: string, value: string | null): Parsed<string[] | null> {
  if (value === null) return { ok: true, value: null };
  const numbers = list(value);
  if (numbers.length === 0 || numbers.length > MAX_NUMBERS) {
    return { ok: false, message: `Invalid ${name}: give between 1 and ${MAX_NUMBERS} comma-separated numbers` };
  }
  return { ok: true, value: numbers.map(numberKey) };
}

function parseEnumList(name: string, value: string | null, schema: z.ZodEnum): Parsed<Set<string> | null> {
  if (value === null) return { ok: true, value: null };
  const values = list(value);
  const wrong = values.find((v) => !schema.safeParse(v).success);
  if (values.length === 0 || wrong !== undefined) {
    return { ok: false, message: `Invalid ${name} "${wrong ?? value}". Valid values: ${schema.options.join(", ")}` };
  }
  return { ok: true, value: new Set(values) };
}

export function parseListQuery(params: URLSearchParams, now: number): Parsed<ListQuery> {
  const date = parseDateCreated(params.get("DateCreated"), now);
  if (!date.ok) return date;

  const sidParam = params.get("Sid");
  const sids = sidParam === null ? null : list(sidParam);
  if (sids !== null && (sids.length === 0 || sids.length > MAX_SIDS)) {
    return { ok: false, message: `Invalid Sid: give between 1 and ${MAX_SIDS} comma-separated call SIDs` };
  }

  const to = parseNumbers("To", params.get("To"));
  if (!to.ok) return to;
  const from = parseNumbers("From", params.get("From"));
  if (!from.ok) return from;
  const phoneNumbers = parseNumbers("PhoneNumber", params.get("PhoneNumber"));
  if (!phoneNumbers.ok) return phoneNumbers;
  const statuses = parseEnumList("Status", params.get("Status"), StatusFilter);
  if (!statuses.ok) return statuses;
  const directions = parseEnumList("Direction", params.get("Direction"), DirectionFilter);
  if (!directions.ok) return directions;
  const duration = parseRange("Duration", params.get("Duration"), "s");
  if (!duration.ok) return duration;
  const price = parseRange("Price", params.get("Price"), "");
  if (!price.ok) return price;

  const pageSizeParam = params.get("PageSize");
  const pageSize = pageSizeParam === null ? DEFAULT_PAGE_SIZE : /^\d+$/.test(pageSizeParam) ? Number(pageSizeParam) : NaN;
  if (!(pageSize >= 1 && pageSize <= MAX_PAGE_SIZE)) {
    return { ok: false, message: `Invalid PageSize "${pageSizeParam}": must be a whole number from 1 to ${MAX_PAGE_SIZE}` };
  }

  const sortBy = params.get("SortBy") ?? "DateCreated:desc";
  const order = /^DateCreated:(asc|desc)$/.exec(sortBy)?.[1] as "asc" | "desc" | undefined;
  if (!order) return { ok: false, message: `Invalid SortBy "${sortBy}". Valid values: DateCreated:asc, DateCreated:desc` };

  const after = params.get("After");
  const before = params.get("Before");
  if (after !== null && before !== null) return { ok: false, message: "Give either After or Before, not both" };
  let cursor: Cursor | null = null;
  if (after !== null || before !== null) {
    const decoded = decodeCursor(after !== null ? "after" : "before", (after ?? before)!);
    if (!decoded) return { ok: false, message: `Invalid ${after !== null ? "After" : "Before"} cursor` };
    cursor = decoded;
  }

  return {
    ok: true,
    value: {
      fromEpoch: Math.floor(date.value.from / 1000),
      toEpoch: Math.floor(date.value.to / 1000),
      sids: sids === null ? null : new Set(sids),
      to: to.value,
      from: from.value,
      phoneNumbers: phoneNumbers.value,
      statuses: statuses.value,
      directions: directions.value,
      duration: duration.value,
      price: price.value,
      pageSize,
      order,
      cursor,
    },
  };
}

/** `RecordingUrlValidity`: minutes a signed recording URL lives, 5 to 60; null when not asked for. */
export function parseRecordingUrlValidity(params: URLSearchParams): Parsed<number | null> {
  const value = params.get("RecordingUrlValidity");
  if (value === null) return { ok: true, value: null };
  const minutes = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(minutes >= 5 && minutes <= 60)) return { ok: false, message: `Invalid RecordingUrlValidity "${value}": must be a whole number of minutes from 5 to 60` };
  return { ok: true, value: minutes };
}

export function parseDetails(params: URLSearchParams): boolean {
  return params.get("details")?.toLowerCase() === "true";
}

export function inRange(value: number | null, range: NumberRange | null): boolean {
  if (range === null) return true;
  if (value === null) return false;
  if (range.eq !== undefined && value !== range.eq) return false;
  if (range.gte !== undefined && value < range.gte) return false;
  if (range.lte !== undefined && value > range.lte) return false;
  return true;
}
