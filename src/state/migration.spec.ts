import { describe, expect, it } from "vitest";
import { InputError } from "../lib/errors.js";
import { emptySnapshot, readSnapshot } from "./migration.js";

const FILE = "processed_calls.json";
const NOW = new Date("2025-11-20T10:00:00.000Z");

function refusal(data: unknown): InputError {
  try {
    readSnapshot(FILE, data, NOW);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("readSnapshot", () => {
  it("migrates the predecessor's array of SIDs to version 2 with every call done", () => {
    const { snapshot, migratedFrom } = readSnapshot(FILE, ["sid-a", " sid-b "], NOW);
    expect(migratedFrom).toBe("v1");
    expect(snapshot).toEqual({
      version: 2,
      generation: 0,
      watermark: null,
      updatedAt: "2025-11-20T10:00:00.000Z",
      contacts: {},
      calls: {
        "sid-a": { status: "done", step: "done", attempts: 0, startedAt: null, firstSeenAt: NOW.toISOString(), updatedAt: NOW.toISOString(), doneAt: NOW.toISOString(), legacy: true },
        "sid-b": { status: "done", step: "done", attempts: 0, startedAt: null, firstSeenAt: NOW.toISOString(), updatedAt: NOW.toISOString(), doneAt: NOW.toISOString(), legacy: true },
      },
    });
  });

  it("migrates an empty array to an empty state", () => {
    expect(readSnapshot(FILE, [], NOW)).toEqual({ snapshot: emptySnapshot(NOW), migratedFrom: "v1" });
  });

  it.each([
    ["a number", ["sid-a", 42], "[1]"],
    ["an empty string", ["", "sid-b"], "[0]"],
    ["null", ["sid-a", "sid-b", null], "[2]"],
  ])("refuses a legacy array holding %s, naming its index", (_label, data, field) => {
    const error = refusal(data);
    expect(error.file).toBe(FILE);
    expect(error.problems.map((p) => [p.field, p.problem])).toEqual([[field, "is not a call SID (text)."]]);
  });

  it("reads a version 2 object as it is", () => {
    const data = {
      version: 2,
      generation: 7,
      watermark: "2025-11-20T09:00:00.000Z",
      updatedAt: "2025-11-20T09:00:01.000Z",
      calls: { "sid-a": { status: "pending", step: "transcript", attempts: 1, startedAt: "2025-11-20T08:00:00.000Z", firstSeenAt: "2025-11-20T08:10:00.000Z", updatedAt: "2025-11-20T08:20:00.000Z" } },
      contacts: { "+919988776655": { id: "1892000000042001", at: "2025-11-20T08:15:00.000Z" } },
    };
    const { snapshot, migratedFrom } = readSnapshot(FILE, structuredClone(data), NOW);
    expect(migratedFrom).toBeNull();
    expect(snapshot).toEqual(data);
  });

  it("fills in what an older version 2 file left out", () => {
    const { snapshot } = readSnapshot(FILE, { version: 2, calls: {} }, NOW);
    expect(snapshot).toEqual({ version: 2, generation: 0, watermark: null, updatedAt: NOW.toISOString(), calls: {}, contacts: {} });
  });

  it("refuses a file written by a newer version", () => {
    const error = refusal({ version: 3, calls: {} });
    expect(error.problems.map((p) => [p.field, p.problem])).toEqual([["version", "is 3, written by a newer version of this program."]]);
  });

  it.each([
    ["an object of another shape", { processed: ["sid-a"] }],
    ["version 1 as an object", { version: 1, calls: {} }],
    ["a string", "sid-a"],
    ["null", null],
    ["a call with an unknown status", { version: 2, calls: { "sid-a": { status: "finished", step: "done", attempts: 0, startedAt: null, firstSeenAt: "2025-11-20T08:10:00.000Z", updatedAt: "2025-11-20T08:10:00.000Z" } } }],
    ["a call with a bad date", { version: 2, calls: { "sid-a": { status: "done", step: "done", attempts: 0, startedAt: null, firstSeenAt: "yesterday", updatedAt: "2025-11-20T08:10:00.000Z" } } }],
  ])("refuses %s, saying the file was left untouched", (_label, data) => {
    const error = refusal(data);
    expect(error.message.startsWith(`${FILE} is not a state file this program understands; the program did not start and left the file untouched:`)).toBe(true);
    expect(error.problems.length).toBeGreaterThan(0);
  });

  it("names the call and field of a bad entry", () => {
    const error = refusal({ version: 2, calls: { "sid-a": { status: "done", step: "done", attempts: -1, startedAt: null, firstSeenAt: "2025-11-20T08:10:00.000Z", updatedAt: "2025-11-20T08:10:00.000Z" } } });
    expect(error.problems.map((p) => p.field)).toEqual(["calls.sid-a.attempts"]);
  });
});
