/**
 * Exotel's paging cursor as seen in production: base64 of `<unix seconds of DateCreated>,<Sid>` of
 * the row a page ended (After) or started (Before) on. Being a key rather than an offset, it keeps a
 * walk stable while new calls arrive.
 */
export interface Cursor {
  kind: "after" | "before";
  epoch: number;
  sid: string;
}

/** The sort key of a row: its start in whole seconds, then its SID. */
export interface RowKey {
  epoch: number;
  sid: string;
}

export function compareKeys(a: RowKey, b: RowKey): number {
  if (a.epoch !== b.epoch) return a.epoch - b.epoch;
  return a.sid < b.sid ? -1 : a.sid > b.sid ? 1 : 0;
}

export function encodeCursor(key: RowKey): string {
  return Buffer.from(`${key.epoch},${key.sid}`, "utf8").toString("base64");
}

export function decodeCursor(kind: Cursor["kind"], value: string): Cursor | null {
  // A client that decoded the query string as a form turns base64's `+` into a space.
  const text = Buffer.from(value.replace(/ /g, "+"), "base64").toString("utf8");
  const match = /^(\d{1,12}),([A-Za-z0-9_-]+)$/.exec(text);
  if (!match) return null;
  return { kind, epoch: Number(match[1]), sid: match[2]! };
}

/** The cursor in a page URI: `+` and `/` escaped so it survives form decoding, `=` left as Exotel sends it. */
export function cursorParam(value: string): string {
  return encodeURIComponent(value).replace(/%3D/g, "=");
}
