/**
 * Zoho Desk search matching (zoho-desk.md §3.2, §6.1): a plain value matches exactly (ignoring
 * case), a trailing `*` matches a prefix, a leading `*` a suffix (phone and mobile only), a comma
 * separates alternatives, and `${empty}` / `${notempty}` test for a value at all.
 */
export function matchesSearchValue(value: string | null | undefined, query: string, options: { leadingWildcard?: boolean } = {}): boolean {
  const text = (value ?? "").toLowerCase();
  return query
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "")
    .some((term) => {
      if (term === "${empty}") return text === "";
      if (term === "${notempty}") return text !== "";
      let pattern = term.toLowerCase();
      const prefix = pattern.endsWith("*");
      if (prefix) pattern = pattern.slice(0, -1);
      const suffix = options.leadingWildcard === true && pattern.startsWith("*");
      if (suffix) pattern = pattern.slice(1);
      if (pattern === "") return false;
      if (prefix && suffix) return text.includes(pattern);
      if (prefix) return text.startsWith(pattern);
      if (suffix) return text.endsWith(pattern);
      return text === pattern;
    });
}

/** `_all`: the text anywhere in any of the record's text fields, ignoring case. */
export function containsText(fields: ReadonlyArray<unknown>, text: string): boolean {
  const needle = text.toLowerCase();
  return fields.some((field) => typeof field === "string" && field.toLowerCase().includes(needle));
}

/** `createdTimeRange=from,to` (ISO times, both ends included); null when malformed. */
export function parseTimeRange(value: string): { from: number; to: number } | null {
  const [fromText, toText, ...rest] = value.split(",");
  if (rest.length > 0 || !fromText || !toText) return null;
  const from = Date.parse(fromText);
  const to = Date.parse(toText);
  return Number.isNaN(from) || Number.isNaN(to) || from > to ? null : { from, to };
}

/** `customFieldN=cf_api_name:value`; null when there is no colon. */
export function parseCustomFieldQuery(value: string): { field: string; value: string } | null {
  const colon = value.indexOf(":");
  if (colon <= 0) return null;
  return { field: value.slice(0, colon), value: value.slice(colon + 1) };
}
