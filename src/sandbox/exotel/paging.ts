import { compareKeys, cursorParam, encodeCursor, type Cursor, type RowKey } from "./cursor.js";

export interface PageRequest {
  order: "asc" | "desc";
  pageSize: number;
  cursor: Cursor | null;
}

export interface Page<T extends RowKey> {
  rows: T[];
  /** Key to put in `Before` for the previous page, or null when this is the first. */
  prev: RowKey | null;
  /** Key to put in `After` for the next page, or null when this is the last. */
  next: RowKey | null;
}

/** Keyset paging over `rows` (any order): a page is the `pageSize` rows next to the cursor in sort order. */
export function takePage<T extends RowKey>(rows: readonly T[], request: PageRequest): Page<T> {
  const direction = request.order === "asc" ? 1 : -1;
  const sequence = [...rows].sort((a, b) => direction * compareKeys(a, b));
  /** Whether `row` sorts after `key` in the order the client walks. */
  const follows = (row: RowKey, key: RowKey) => direction * compareKeys(row, key) > 0;
  const cursor = request.cursor;

  let start: number;
  let end: number;
  if (cursor === null) {
    start = 0;
    end = Math.min(sequence.length, request.pageSize);
  } else if (cursor.kind === "after") {
    start = sequence.findIndex((row) => follows(row, cursor));
    if (start < 0) start = sequence.length;
    end = Math.min(sequence.length, start + request.pageSize);
  } else {
    end = sequence.findIndex((row) => !follows(cursor, row));
    if (end < 0) end = sequence.length;
    start = Math.max(0, end - request.pageSize);
  }
  const page = sequence.slice(start, end);
  const first = page[0] ?? cursor;
  const last = page[page.length - 1] ?? cursor;
  return {
    rows: page,
    prev: start > 0 && first ? { epoch: first.epoch, sid: first.sid } : null,
    next: end < sequence.length && last ? { epoch: last.epoch, sid: last.sid } : null,
  };
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, "+");
}

/**
 * Page URIs are relative and repeat every parameter the client sent (PageSize first, as in the
 * production sample), with the cursor last.
 */
export function pageUri(path: string, params: URLSearchParams, pageSize: number, cursor: { name: "After" | "Before"; key: RowKey } | null): string {
  const parts = [`PageSize=${pageSize}`];
  for (const [name, value] of params) {
    if (name === "PageSize" || name === "After" || name === "Before") continue;
    parts.push(`${formEncode(name)}=${formEncode(value)}`);
  }
  if (cursor) parts.push(`${cursor.name}=${cursorParam(encodeCursor(cursor.key))}`);
  return `${path}?${parts.join("&")}`;
}
