import { promises as fs } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { formatIst } from "../../src/lib/ist-time.js";
import { startScenario, type Scenario } from "../support/scenario.js";

const PRATEEK = "09631084471";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

function dateFilters(scenario: Scenario): string[] {
  return scenario.sandbox.exotel.service.requests.filter((r) => r.path.endsWith("/Calls.json") && !r.query.get("After")).map((r) => r.query.get("DateCreated") ?? "");
}

describe("polling windows and commands", () => {
  it("looks back FIRST_RUN_LOOKBACK_HOURS on the first poll, then from the watermark less the overlap", async () => {
    scenario = await startScenario({ env: { FIRST_RUN_LOOKBACK_HOURS: "6" } });
    const { sandbox, workspace } = scenario;
    const old = sandbox.seedCall({ customer: "09876543210", agent: PRATEEK, startedAt: hoursAgo(8) });
    const recent = sandbox.seedCall({ customer: "09876543211", agent: PRATEEK, startedAt: hoursAgo(2) });
    const before = new Date();
    expect((await workspace.run()).code).toBe(0);
    expect(sandbox.zoho.ticketsMentioning(old.sid)).toHaveLength(0);
    expect(sandbox.zoho.ticketsMentioning(recent.sid)).toHaveLength(1);

    const [first] = dateFilters(scenario);
    const [, gte, lte] = /^gte:(.+);lte:(.+)$/.exec(first!)!;
    expect(Date.parse(`${gte!.replace(" ", "T")}+05:30`)).toBeCloseTo(before.getTime() - 6 * 3_600_000, -4);
    expect(lte!.slice(0, 13)).toBe(formatIst(before).slice(0, 13));
    const state = await workspace.readState();
    expect(Date.parse(state.watermark!)).toBeGreaterThanOrEqual(before.getTime() - 1000);

    expect((await workspace.run()).code).toBe(0);
    const [, second] = dateFilters(scenario);
    const [, gte2] = /^gte:(.+);lte:(.+)$/.exec(second!)!;
    // The longest call Exotel allows (4 h), the 30-minute recording wait and a quarter hour of settling.
    expect(Date.parse(`${gte2!.replace(" ", "T")}+05:30`)).toBeCloseTo(Date.parse(state.watermark!) - (4 * 60 + 45) * 60_000, -4);
  });

  it("backfill --since walks every call since that day with progress lines, leaving done calls alone", async () => {
    scenario = await startScenario({ env: { OPENAI_API_KEY: "" } });
    const { sandbox, workspace } = scenario;
    const days = [35, 9, 3];
    const calls = days.map((d, i) => sandbox.seedCall({ customer: `0987654321${i}`, agent: PRATEEK, startedAt: hoursAgo(d * 24) }));
    const since = formatIst(hoursAgo(40 * 24)).slice(0, 10);
    const before = Date.now();
    const run = await workspace.run(["backfill", "--since", since]);
    expect(run.code, run.stdout).toBe(0);
    for (const { sid } of calls) expect(sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`)).toHaveLength(1);
    const log = await workspace.readLog();
    expect(log).toContain(`backfill since ${since},`);
    // Exotel answers at most a month per query: 40 days are two windows, each counted on its own.
    expect(log).toContain(`Backfill: window 1 of 2 (${since} 00:00 – `);
    expect(log).toMatch(/Backfill: window 1 of 2 \(.+ IST\), page 1: 1 of 1 calls listed/);
    expect(log).toMatch(/Backfill: window 2 of 2 \(.+ IST\), page 1: 2 of 2 calls listed/);
    expect(log).toMatch(/Backfill: 3 of 3 calls handled so far/);
    expect(Date.parse((await workspace.readState()).watermark!)).toBeGreaterThanOrEqual(before - 1000);

    const again = await workspace.run(["backfill", "--since", since]);
    expect(again.code).toBe(0);
    expect(sandbox.zoho.tickets()).toHaveLength(3);
  });

  it("refuses a backfill date that is not a day", async () => {
    scenario = await startScenario();
    const run = await scenario.workspace.run(["backfill", "--since", "2026-02-30"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("backfill needs --since YYYY-MM-DD");
  });

  it("status reports the calls in the state file without changing it", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    sandbox.seedCall({ customer: "09876543210", agent: PRATEEK });
    sandbox.seedCall({ customer: "09876543211", agent: "09000000001" });
    expect((await workspace.run()).code).toBe(0);
    const before = await fs.readFile(workspace.stateFile);
    const status = await workspace.run(["status"]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("Calls: 0 pending, 1 done, 1 skipped, 0 failed");
    expect(await fs.readFile(workspace.stateFile)).toEqual(before);
  });

  it("unknown commands and options stop with usage and exit 2", async () => {
    scenario = await startScenario();
    const run = await scenario.workspace.run(["--onse"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unknown option --onse");
    expect(run.stderr).toContain("npm start -- --once");
  });
});
