import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startScenario, type Scenario } from "../support/scenario.js";
import { Workspace, type RunResult } from "../support/workspace.js";
import { allRequests, expectTicketedOnce, seedAnsweredCall, snapshotFiles } from "../support/faults.js";

/**
 * One sandbox and one finished run whose files (state, journal) every test starts from: bad input
 * must leave a real user's files exactly as they were.
 */
let scenario: Scenario;
let savedState: Buffer;
let savedJournal: Buffer;
const workspaces: Workspace[] = [];

beforeAll(async () => {
  scenario = await startScenario();
  seedAnsweredCall(scenario.sandbox);
  const run = await scenario.workspace.run();
  expect(run.code, run.stdout + run.stderr).toBe(0);
  savedState = await fs.readFile(scenario.workspace.stateFile);
  savedJournal = await fs.readFile(`${scenario.workspace.stateFile}.journal`);
});

afterAll(async () => {
  for (const workspace of workspaces) await workspace.remove();
  await scenario.cleanup();
});

beforeEach(() => {
  for (const service of scenario.sandbox.services()) service.resetLog();
});

/** A user's install: the working .env and agents_config.json, and the state the last run saved. */
async function install(): Promise<Workspace> {
  const workspace = await Workspace.create(scenario.env, scenario.sandbox.agentsConfig());
  workspaces.push(workspace);
  await fs.writeFile(workspace.stateFile, savedState);
  await fs.writeFile(`${workspace.stateFile}.journal`, savedJournal);
  return workspace;
}

function envText(overrides: Record<string, string | null>, extraLines: string[] = []): string {
  const env: Record<string, string | null> = { ...scenario.env, ...overrides };
  const lines = Object.entries(env)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([k, v]) => `${k}=${v}`);
  return `# settings\n${[...lines, ...extraLines].join("\n")}\n`;
}

/** Runs `--once` and checks the refusal: exit 2, every file byte for byte as it was, no service called. */
async function expectRefused(workspace: Workspace): Promise<RunResult> {
  const before = await snapshotFiles(workspace.dir);
  const run = await workspace.run();
  expect(run.code, run.stdout + run.stderr).toBe(2);
  const after = await snapshotFiles(workspace.dir);
  for (const [file, bytes] of before) expect(after.get(file)?.equals(bytes), `${file} unchanged`).toBe(true);
  // Nothing new but (at most) the log file: no lock left behind, no backup, no recordings.
  expect([...after.keys()].filter((f) => !before.has(f) && f !== "zoho_processor.log")).toEqual([]);
  expect(allRequests(scenario.sandbox)).toHaveLength(0);
  return run;
}

describe("bad input stops the program with exit 2, a message naming the file, field and fix, and every file untouched", () => {
  it("a state file that is not valid JSON", async () => {
    const workspace = await install();
    await fs.writeFile(workspace.stateFile, `{"version": 2, "calls": {"abc": {"status": "done",\n`);
    const { stderr } = await expectRefused(workspace);
    expect(stderr).toContain(workspace.stateFile);
    expect(stderr).toMatch(/JSON at line 2, column 1: is not valid JSON/);
    expect(stderr).toContain("Fix: correct the file by hand");
  });

  it("a state file of a shape this program does not know", async () => {
    const workspace = await install();
    await fs.writeFile(workspace.stateFile, `{"processed": ["abc"], "count": 1}\n`);
    const { stderr } = await expectRefused(workspace);
    expect(stderr).toContain(`${workspace.stateFile} is not a state file this program understands; the program did not start and left the file untouched`);
    expect(stderr).toContain("- version:");
    expect(stderr).toContain("restore the file from a backup or correct it by hand");
  });

  it("a state file written by a newer version", async () => {
    const workspace = await install();
    const newer = JSON.parse(savedState.toString()) as Record<string, unknown>;
    await fs.writeFile(workspace.stateFile, `${JSON.stringify({ ...newer, version: 3 }, null, 1)}\n`);
    const { stderr } = await expectRefused(workspace);
    expect(stderr).toContain(workspace.stateFile);
    expect(stderr).toContain("- version: is 3, written by a newer version of this program.");
    expect(stderr).toContain("Fix: run the newer version");
  });

  it("a journal with a damaged line in the middle", async () => {
    const workspace = await install();
    const { generation, calls } = JSON.parse(savedState.toString()) as { generation: number; calls: Record<string, unknown> };
    const sid = Object.keys(calls)[0]!;
    const at = new Date().toISOString();
    const journal = [
      JSON.stringify({ generation }),
      JSON.stringify({ sid, set: { updatedAt: at } }),
      "{\"sid\": \"x\", \"set\": ###",
      JSON.stringify({ watermark: at }),
      "",
    ].join("\n");
    await fs.writeFile(`${workspace.stateFile}.journal`, journal);
    const { stderr } = await expectRefused(workspace);
    expect(stderr).toContain(`${workspace.stateFile}.journal`);
    expect(stderr).toContain("- line 3: is damaged");
    expect(stderr).toContain(`move ${workspace.stateFile}.journal aside`);
  });

  it("an agents_config.json that is not valid JSON", async () => {
    const workspace = await install();
    const agentsFile = path.join(workspace.dir, "agents_config.json");
    await fs.writeFile(agentsFile, `{\n  "agents": {\n    "09631084471": { "name": "Prateek", }\n  }\n}\n`);
    const { stderr } = await expectRefused(workspace);
    expect(stderr).toContain(agentsFile);
    expect(stderr).toMatch(/JSON at line 3, column \d+: is not valid JSON/);
    expect(stderr).toContain("Fix: correct the file by hand");
  });

  it("an agents_config.json with a wrong value in an agent's entry", async () => {
    const workspace = await install();
    const agentsFile = path.join(workspace.dir, "agents_config.json");
    await fs.writeFile(agentsFile, `${JSON.stringify({ agents: { "09631084471": { name: "", active: "yes" } } }, null, 2)}\n`);
    const { stderr } = await expectRefused(workspace);
    expect(stderr).toContain(agentsFile);
    expect(stderr).toContain('- agents["09631084471"].name: must be a non-empty name. Fix: give the agent a name');
    expect(stderr).toContain('- agents["09631084471"].active:');
    expect(stderr).toContain("Fix: write true or false without quotes.");
  });

  it("an .env with a number and a true/false that are not, reporting both at once", async () => {
    const workspace = await install();
    await fs.writeFile(workspace.envFile, envText({ POLL_INTERVAL_SECONDS: "soon", KEEP_RECORDINGS: "maybe" }));
    const { stderr } = await expectRefused(workspace);
    expect(stderr).toContain(workspace.envFile);
    expect(stderr).toContain('- POLL_INTERVAL_SECONDS: "soon" is not a whole number. Fix: use a number of seconds between polls');
    expect(stderr).toContain('- KEEP_RECORDINGS: "maybe" is not true or false. Fix: write true or false.');
  });

  it("an .env missing a required key", async () => {
    const workspace = await install();
    await fs.writeFile(workspace.envFile, envText({ DEEPGRAM_API_KEY: null }));
    const { stderr } = await expectRefused(workspace);
    expect(stderr).toContain(workspace.envFile);
    expect(stderr).toContain("- DEEPGRAM_API_KEY: is missing. Fix: create an API key in the Deepgram console");
  });

  it("an .env with a line that is not a setting", async () => {
    const workspace = await install();
    await fs.writeFile(workspace.envFile, envText({}, ["EXOTEL_SID sandbox1"]));
    const lineNumber = envText({}).split("\n").length;
    const { stderr } = await expectRefused(workspace);
    expect(stderr).toContain(workspace.envFile);
    expect(stderr).toContain(`- line ${lineNumber}: "EXOTEL_SID sandbox1" is not a NAME=value setting. Fix: write it as NAME=value`);
  });
});

describe("the predecessor's state file", () => {
  let own: Scenario | null = null;
  afterEach(async () => {
    await own?.cleanup();
    own = null;
  });

  it("(a plain list of call SIDs) is migrated: those calls count as done, the original is kept as .v1-backup, the others are ticketed", async () => {
    own = await startScenario();
    const { sandbox, workspace } = own;
    const handled = [seedAnsweredCall(sandbox), seedAnsweredCall(sandbox)];
    const fresh = seedAnsweredCall(sandbox);
    const legacy = `${JSON.stringify(handled.map((c) => c.sid), null, 2)}\n`;
    await fs.writeFile(workspace.stateFile, legacy);

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await fs.readFile(`${workspace.stateFile}.v1-backup`, "utf8")).toBe(legacy);
    const state = await workspace.readState();
    expect(state.version).toBe(2);
    for (const { sid } of handled) {
      expect(state.calls[sid]).toMatchObject({ status: "done", legacy: true });
      expect(sandbox.zoho.ticketsMentioning(sid)).toHaveLength(0);
    }
    await expectTicketedOnce(sandbox, workspace, fresh.sid);
    expect(sandbox.zoho.tickets()).toHaveLength(1);
    expect(await workspace.readLog()).toContain("the original is saved as");
  });
});
