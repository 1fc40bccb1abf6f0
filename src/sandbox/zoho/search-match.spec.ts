import { describe, expect, it } from "vitest";
import { containsText, matchesSearchValue, parseCustomFieldQuery, parseTimeRange } from "./search-match.js";

describe("Desk search matching", () => {
  it.each([
    ["+919631084471", "+919631084471", {}, true],
    ["+919631084471", "919631084471", {}, false],
    ["+919631084471", "09631084471,+919631084471", {}, true],
    ["+919631084471", "+9196*", {}, true],
    ["+919631084471", "*9631084471", { leadingWildcard: true }, true],
    ["+919631084471", "*9631084471", {}, false],
    ["+919631084471", "*310844*", { leadingWildcard: true }, true],
    ["+919631084471", "*", { leadingWildcard: true }, false],
    ["Call from Ravi", "call from ravi", {}, true],
    ["Call from Ravi", "Call", {}, false],
    [null, "${empty}", {}, true],
    ["", "${notempty}", {}, false],
    ["x", "${notempty}", {}, true],
  ] as const)("%j against %j (%j) → %s", (value, query, options, expected) => {
    expect(matchesSearchValue(value, query, options)).toBe(expected);
  });

  it("finds text anywhere in any field, ignoring case", () => {
    expect(containsText(["Call from +91", "Notes\nCall ID: ca1b2c3"], "CA1B2C3")).toBe(true);
    expect(containsText(["Call from +91", null, 42], "missing")).toBe(false);
  });

  it("reads time ranges and custom field queries", () => {
    expect(parseTimeRange("2026-03-01T00:00:00.000Z,2026-03-02T00:00:00.000Z")).toEqual({ from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 2, 2) });
    expect(parseTimeRange("2026-03-02T00:00:00Z,2026-03-01T00:00:00Z")).toBeNull();
    expect(parseTimeRange("yesterday")).toBeNull();
    expect(parseCustomFieldQuery("cf_call_id:CA:1")).toEqual({ field: "cf_call_id", value: "CA:1" });
    expect(parseCustomFieldQuery("novalue")).toBeNull();
  });
});
