import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../lib/errors.js";
import { findMalformedLines, readEnvFile, setEnvVariable, writeEnvVariable } from "./env-file.js";

describe("setEnvVariable", () => {
  it("changes only the variable's line and keeps comments and order", () => {
    const text = "# Exotel\nEXOTEL_SID=acme1\n\n# Zoho\nZOHO_DESK_ACCESS_TOKEN=old\nZOHO_DESK_ORG_ID=123\n";
    expect(setEnvVariable(text, "ZOHO_DESK_ACCESS_TOKEN", "1000.new")).toBe("# Exotel\nEXOTEL_SID=acme1\n\n# Zoho\nZOHO_DESK_ACCESS_TOKEN=1000.new\nZOHO_DESK_ORG_ID=123\n");
  });

  it.each([
    ["double quotes", 'TOKEN="old"\n', 'TOKEN="new"\n'],
    ["single quotes", "TOKEN='old'\n", "TOKEN='new'\n"],
    ["backticks", "TOKEN=`old`\n", "TOKEN=`new`\n"],
    ["no quotes", "TOKEN=old\n", "TOKEN=new\n"],
    ["an empty value", "TOKEN=\n", "TOKEN=new\n"],
    ["spaces around =", 'TOKEN = "old"\n', 'TOKEN = "new"\n'],
    ["an export prefix", "export TOKEN='old'\n", "export TOKEN='new'\n"],
    ["indentation", "  TOKEN=old\n", "  TOKEN=new\n"],
  ])("keeps %s", (_label, text, expected) => {
    expect(setEnvVariable(text, "TOKEN", "new")).toBe(expected);
  });

  it.each([
    ["after an unquoted value", "A=1\nTOKEN=old # refreshed by the program\nB=2\n", "A=1\nTOKEN=new # refreshed by the program\nB=2\n"],
    ["after a quoted value", 'A=1\nTOKEN="old"  # refreshed\nB=2\n', 'A=1\nTOKEN="new"  # refreshed\nB=2\n'],
  ])("keeps an inline comment %s", (_label, text, expected) => {
    expect(setEnvVariable(text, "TOKEN", "new")).toBe(expected);
  });

  it("keeps CRLF line endings and a byte-order mark", () => {
    const text = "\uFEFF# settings\r\nA=1\r\nexport TOKEN='old'\r\nB=2\r\n";
    expect(setEnvVariable(text, "TOKEN", "new")).toBe("\uFEFF# settings\r\nA=1\r\nexport TOKEN='new'\r\nB=2\r\n");
  });

  it("changes a variable on the first line behind a byte-order mark", () => {
    expect(setEnvVariable("\uFEFFTOKEN=old\nA=1\n", "TOKEN", "new")).toBe("\uFEFFTOKEN=new\nA=1\n");
  });

  it("leaves variables whose names merely end the same way, and commented-out lines, alone", () => {
    expect(setEnvVariable("MY_TOKEN=x\n# TOKEN=y\nTOKEN=z\n", "TOKEN", "new")).toBe("MY_TOKEN=x\n# TOKEN=y\nTOKEN=new\n");
  });

  it("does not read the name as a pattern", () => {
    expect(setEnvVariable("AXB=1\n", "A.B", "2")).toBe("AXB=1\nA.B=2\n");
  });

  it("writes a value with $ signs as it is", () => {
    expect(setEnvVariable("TOKEN=old\n", "TOKEN", "a$&b$1")).toBe("TOKEN=a$&b$1\n");
  });

  it("changes only the first of two definitions", () => {
    expect(setEnvVariable("TOKEN=a\nTOKEN=b\n", "TOKEN", "new")).toBe("TOKEN=new\nTOKEN=b\n");
  });

  it.each([
    ["to a file ending in a newline", "A=1\n", "A=1\nTOKEN=new\n"],
    ["to a file without a final newline", "A=1", "A=1\nTOKEN=new\n"],
    ["with CRLF to a CRLF file", "A=1\r\n", "A=1\r\nTOKEN=new\r\n"],
    ["to an empty file", "", "TOKEN=new\n"],
  ])("appends the variable when absent %s", (_label, text, expected) => {
    expect(setEnvVariable(text, "TOKEN", "new")).toBe(expected);
  });
});

describe("findMalformedLines", () => {
  it("names a line that is not NAME=value by its number", () => {
    expect(findMalformedLines("EXOTEL_SID=acme1\nEXOTEL_API_KEY abc\n")).toEqual([
      { field: "line 2", problem: '"EXOTEL_API_KEY abc" is not a NAME=value setting.', fix: "write it as NAME=value, or start the line with # to make it a comment." },
    ]);
  });

  it("accepts comments, blank lines, export prefixes and CRLF endings", () => {
    expect(findMalformedLines("# comment\r\n\r\n  \r\nexport A=1\r\nB = 'two'\r\nC=\r\n")).toEqual([]);
  });

  it("tolerates a quoted value that runs over several lines", () => {
    expect(findMalformedLines('A=1\nKEY="-----BEGIN KEY-----\nline two\n-----END KEY-----"\nB=2\n')).toEqual([]);
  });

  it("goes back to checking lines after a multi-line value closes", () => {
    expect(findMalformedLines("KEY='first\nsecond'\nnot a setting\n").map((p) => p.field)).toEqual(["line 3"]);
  });

  it("quotes at most 40 characters of the bad line", () => {
    const [problem] = findMalformedLines(`${"x".repeat(60)}\n`);
    expect(problem?.problem).toBe(`"${"x".repeat(40)}" is not a NAME=value setting.`);
  });
});

describe("env file on disk", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "env-file-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a missing file as null", async () => {
    expect(await readEnvFile(path.join(dir, ".env"))).toBeNull();
  });

  it("reads variables past a byte-order mark", async () => {
    const file = path.join(dir, ".env");
    await writeFile(file, "\uFEFFEXOTEL_SID=acme1\r\nexport LOG_LEVEL=debug\r\n");
    expect(await readEnvFile(file)).toEqual({ EXOTEL_SID: "acme1", LOG_LEVEL: "debug" });
  });

  it("refuses a file with a malformed line, naming the file and the line", async () => {
    const file = path.join(dir, ".env");
    await writeFile(file, "EXOTEL_SID=acme1\nEXOTEL_API_KEY abc\n");
    const error = await readEnvFile(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe(file);
    expect((error as InputError).problems.map((p) => p.field)).toEqual(["line 2"]);
  });

  it("writes one variable and leaves the rest of the file byte for byte", async () => {
    const file = path.join(dir, ".env");
    await writeFile(file, "\uFEFF# keep me\r\nEXOTEL_SID=acme1\r\nZOHO_DESK_ACCESS_TOKEN=\"old\"\r\n");
    await writeEnvVariable(file, "ZOHO_DESK_ACCESS_TOKEN", "1000.fresh");
    expect(await readFile(file, "utf8")).toBe("\uFEFF# keep me\r\nEXOTEL_SID=acme1\r\nZOHO_DESK_ACCESS_TOKEN=\"1000.fresh\"\r\n");
  });

  it("creates the file when it does not exist", async () => {
    const file = path.join(dir, ".env");
    await writeEnvVariable(file, "ZOHO_DESK_ACCESS_TOKEN", "1000.fresh");
    expect(await readFile(file, "utf8")).toBe("ZOHO_DESK_ACCESS_TOKEN=1000.fresh\n");
  });
});
