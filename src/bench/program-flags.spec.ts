import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PROGRAM_NODE_FLAGS, programNodeFlags } from "./program-flags.js";

const repoFile = (name: string) => readFileSync(new URL(`../../${name}`, import.meta.url), "utf8");

describe("the program's Node flags", () => {
  it("are read from npm start", () => {
    expect(programNodeFlags('{"scripts":{"start":"node --a=1 --b dist/cli.js"}}')).toEqual(["--a=1", "--b"]);
    expect(programNodeFlags('{"scripts":{"start":"node dist/cli.js"}}')).toEqual([]);
    expect(() => programNodeFlags('{"scripts":{"start":"tsx src/cli.ts"}}')).toThrow(/start script/);
  });

  it("are the same in npm start, the backfill script and start.bat", () => {
    expect(PROGRAM_NODE_FLAGS).toContain("--max-semi-space-size=8");
    const flags = PROGRAM_NODE_FLAGS.join(" ");
    const scripts = (JSON.parse(repoFile("package.json")) as { scripts: Record<string, string> }).scripts;
    expect(scripts["backfill"]).toContain(`node ${flags} dist/cli.js backfill`);
    expect(repoFile("start.bat")).toMatch(new RegExp(`^node ${flags} dist\\\\cli\\.js\\r?$`, "m"));
  });
});
