import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../lib/errors.js";
import { loadAgentDirectory, parseAgentDirectory } from "./agents.js";

const FILE = "agents_config.json";

function problemsOf(data: unknown): InputError {
  try {
    parseAgentDirectory(FILE, data, "IN");
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error("expected an InputError");
}

describe("parseAgentDirectory", () => {
  it("reads the design's example", () => {
    const directory = parseAgentDirectory(
      FILE,
      {
        agents: { "09631084471": { name: "Prateek", department: "Customer Success", active: true } },
        default_agent: { name: "Support", department: "Customer Success" },
      },
      "IN",
    );
    expect([...directory.byNumber.entries()]).toEqual([
      ["+919631084471", { name: "Prateek", department: "Customer Success", active: true, zohoAgentId: null, zohoAgentEmail: null, zohoDepartmentId: null }],
    ]);
    expect(directory.defaultAgent).toEqual({ name: "Support", department: "Customer Success", active: true, zohoAgentId: null, zohoAgentEmail: null, zohoDepartmentId: null });
    expect(directory.fallbackToDefault).toBe(false);
  });

  it.each(["09631084471", "9631084471", "+919631084471", "919631084471", "+91 96310 84471", "096310-84471"])("keys an agent written as %s by E.164", (number) => {
    const directory = parseAgentDirectory(FILE, { agents: { [number]: { name: "Prateek" } } }, "IN");
    expect([...directory.byNumber.keys()]).toEqual(["+919631084471"]);
  });

  it("keys a SIP agent by its lower-cased address", () => {
    const directory = parseAgentDirectory(FILE, { agents: { "sip:Meera@acme.exotel.com": { name: "Meera" } } }, "IN");
    expect([...directory.byNumber.keys()]).toEqual(["sip:meera@acme.exotel.com"]);
  });

  it("treats an agent without `active` as active and keeps an inactive one inactive", () => {
    const directory = parseAgentDirectory(FILE, { agents: { "09631084471": { name: "A" }, "09845012345": { name: "B", active: false } } }, "IN");
    expect(directory.byNumber.get("+919631084471")?.active).toBe(true);
    expect(directory.byNumber.get("+919845012345")?.active).toBe(false);
  });

  it("reads the optional Zoho fields, numbers as text", () => {
    const directory = parseAgentDirectory(
      FILE,
      { agents: { "09631084471": { name: "A", zohoAgentId: 1892000000056007, zohoAgentEmail: " a@example.com ", zohoDepartmentId: "" } } },
      "IN",
    );
    expect(directory.byNumber.get("+919631084471")).toEqual({
      name: "A",
      department: null,
      active: true,
      zohoAgentId: "1892000000056007",
      zohoAgentEmail: "a@example.com",
      zohoDepartmentId: null,
    });
  });

  it("accepts the predecessor's unknown keys and reads settings.fallback_to_default", () => {
    const directory = parseAgentDirectory(
      FILE,
      {
        agents: { "09631084471": { name: "Prateek", extension: "101" } },
        default_agent: { name: "Support", team: "L1" },
        settings: { fallback_to_default: true, poll_seconds: 60 },
        version: "1.2",
      },
      "IN",
    );
    expect(directory.fallbackToDefault).toBe(true);
    expect(directory.defaultAgent?.name).toBe("Support");
    expect(directory.byNumber.get("+919631084471")?.name).toBe("Prateek");
  });

  it("reads a file with no agents as an empty directory", () => {
    expect(parseAgentDirectory(FILE, {}, "IN")).toEqual({ byNumber: new Map(), defaultAgent: null, fallbackToDefault: false });
  });

  it("rejects the same number written twice, naming both entries", () => {
    const error = problemsOf({ agents: { "09631084471": { name: "A" }, "+91 96310 84471": { name: "B" } } });
    expect(error.file).toBe(FILE);
    expect(error.problems).toEqual([{ field: 'agents["+91 96310 84471"]', problem: 'is the same number as agents["09631084471"].', fix: "keep one entry per agent number." }]);
  });

  it.each([
    ["a name", "Prateek"],
    ["a number one digit short", "963108447"],
    ["a number too short to be anyone's", "12345"],
  ])("rejects a key that is %s, since no call would ever match it", (_label, key) => {
    expect(problemsOf({ agents: { [key]: { name: "Prateek" } } }).problems).toEqual([
      {
        field: `agents["${key}"]`,
        problem: "is not a phone number (wrong number of digits?) or a SIP address, so no call would ever match it.",
        fix: 'use the agent\'s number as the key, e.g. "09631084471" or "+919631084471".',
      },
    ]);
  });

  it.each([
    ["active written as text", { agents: { "09631084471": { name: "A", active: "yes" } } }, 'agents["09631084471"].active', "write true or false without quotes."],
    ["an empty name", { agents: { "09631084471": { name: "" } } }, 'agents["09631084471"].name', 'give the agent a name, e.g. "name": "Prateek".'],
    ["a name that is a number", { agents: { "09631084471": { name: 5 } } }, 'agents["09631084471"].name', 'give the agent a name, e.g. "name": "Prateek".'],
    ["a bad email", { agents: { "09631084471": { name: "A", zohoAgentEmail: "prateek" } } }, 'agents["09631084471"].zohoAgentEmail', "write the agent's Zoho Desk login email, or remove the field."],
    ["a default agent without a name", { default_agent: { department: "Support" } }, "default_agent.name", 'give the agent a name, e.g. "name": "Prateek".'],
    ["fallback_to_default written as text", { settings: { fallback_to_default: "true" } }, "settings.fallback_to_default", "write true or false without quotes."],
  ])("names the field and the fix for %s", (_label, data, field, fix) => {
    const [problem, ...rest] = problemsOf(data).problems;
    expect(rest).toEqual([]);
    expect(problem?.field).toBe(field);
    expect(problem?.fix).toBe(fix);
    expect(problem?.problem.endsWith(".")).toBe(true);
  });

  it.each([
    ["agents written as a list", { agents: [] }, "agents"],
    ["an agent written as a plain name", { agents: { "09631084471": "Prateek" } }, 'agents["09631084471"]'],
    ["a file that is not an object", "agents", "(top level)"],
  ])("names the field for %s and points to the example", (_label, data, field) => {
    expect(problemsOf(data).problems).toEqual([{ field, problem: expect.stringMatching(/\.$/), fix: 'follow the example in README ("agents_config.json").' }]);
  });

  it("reports every bad field at once", () => {
    const error = problemsOf({ agents: { "09631084471": { name: "" }, "09845012345": { name: "B", active: "no" } } });
    expect(error.problems.map((p) => p.field)).toEqual(['agents["09631084471"].name', 'agents["09845012345"].active']);
  });

  it("refuses fallback_to_default without a default agent", () => {
    expect(problemsOf({ agents: {}, settings: { fallback_to_default: true } }).problems).toEqual([
      { field: "settings.fallback_to_default", problem: "is true but there is no default_agent.", fix: 'add "default_agent": { "name": "Support" } or set fallback_to_default to false.' },
    ]);
  });
});

describe("loadAgentDirectory", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "agents-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a file with a byte-order mark", async () => {
    const file = path.join(dir, FILE);
    await writeFile(file, `\uFEFF${JSON.stringify({ agents: { "09631084471": { name: "Prateek" } } })}`);
    expect((await loadAgentDirectory(file, "IN")).byNumber.get("+919631084471")?.name).toBe("Prateek");
  });

  it("says a missing file does not exist and how to create it", async () => {
    const file = path.join(dir, FILE);
    const error = await loadAgentDirectory(file, "IN").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe(file);
    expect((error as InputError).problems[0]).toMatchObject({ field: "file", problem: "does not exist." });
  });

  it("names the line and column of a JSON syntax error", async () => {
    const file = path.join(dir, FILE);
    await writeFile(file, '{\n  "agents": {\n    "09631084471": { "name": "Prateek", }\n  }\n}\n');
    const error = await loadAgentDirectory(file, "IN").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems[0]?.field).toBe("JSON at line 3, column 41");
  });
});
