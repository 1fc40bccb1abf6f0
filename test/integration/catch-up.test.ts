import { promises as fs } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { formatIst } from "../../src/lib/ist-time.js";
import { earliestListable } from "../../src/pipeline/windows.js";
import { startScenario, type Scenario } from "../support/scenario.js";
import type { Workspace } from "../support/workspace.js";

const PRATEEK = "09631084471";
const DAY_MS = 86_400_000;

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
const istDay = (date: Date) => formatIst(date).slice(0, 10);

/** The state file a poll that ended at `watermark` leaves behind, with no call still in it. */
async function lastPolledAt(workspace: Workspace, watermark: Date): Promise<void> {
  await fs.writeFile(workspace.stateFile, JSON.stringify({ version: 2, generation: 0, watermark: watermark.toISOString(), calls: {}, contacts: {} }));
}

function callListStarts(scenario: Scenario): string[] {
  return scenario.sandbox.exotel.service.requests
    .filter((r) => r.path.endsWith("/Calls.json") && !r.query.get("After"))
    .map((r) => /^gte:([^;]+);/.exec(r.query.get("DateCreated") ?? "")?.[1] ?? "");
}

function catchingUpLines(log: string): string[] {
  return log.split("\n").filter((line) => line.includes("Catching up: "));
}

describe("catching up after downtime", () => {
  it("logs a line per window and page while catching up, and none on the routine poll after", async () => {
    scenario = await startScenario({ env: { OPENAI_API_KEY: "" } });
    const { sandbox, workspace } = scenario;
    await lastPolledAt(workspace, daysAgo(40));
    const early = sandbox.seedCall({ customer: "09876543210", agent: PRATEEK, startedAt: daysAgo(35) });
    const late = sandbox.seedCall({ customer: "09876543211", agent: PRATEEK, startedAt: daysAgo(2) });

    expect((await workspace.run()).code).toBe(0);
    expect(sandbox.zoho.ticketsMentioning(`Call ID: ${early.sid}`)).toHaveLength(1);
    expect(sandbox.zoho.ticketsMentioning(`Call ID: ${late.sid}`)).toHaveLength(1);
    const lines = catchingUpLines(await workspace.readLog());
    expect(lines.filter((l) => l.includes("calls listed"))).toEqual([
      expect.stringMatching(/Catching up: window 1 of 2 \(\d{4}-\d\d-\d\d \d\d:\d\d – \d{4}-\d\d-\d\d \d\d:\d\d IST\), page 1: 1 of 1 calls listed$/),
      expect.stringMatching(/Catching up: window 2 of 2 \(.+ IST\), page 1: 1 of 1 calls listed$/),
    ]);
    expect(lines.at(-1)).toMatch(/Catching up: 2 of 2 calls handled so far$/);

    expect((await workspace.run()).code).toBe(0);
    expect(catchingUpLines(await workspace.readLog())).toEqual(lines);
  });

  it("after more than six months away starts at the earliest day Exotel keeps, and warns that older calls are out of reach", async () => {
    scenario = await startScenario({ env: { OPENAI_API_KEY: "" } });
    const { sandbox, workspace } = scenario;
    await lastPolledAt(workspace, daysAgo(200));
    const listable = sandbox.seedCall({ customer: "09876543210", agent: PRATEEK, startedAt: daysAgo(100) });
    const earliestDay = istDay(earliestListable(new Date()));

    const run = await workspace.run();
    expect(run.code, run.stdout).toBe(0);
    expect(callListStarts(scenario)[0]).toBe(`${earliestDay} 00:00:00`);
    expect(sandbox.zoho.ticketsMentioning(`Call ID: ${listable.sid}`)).toHaveLength(1);
    const log = await workspace.readLog();
    expect(log).toMatch(new RegExp(`WARN: Exotel keeps only six months of calls: .*Calls before ${earliestDay} can no longer be listed`));
  });

  it("lists new calls at once when the saved watermark is later than the clock, and saves none later than now", async () => {
    scenario = await startScenario({ env: { OPENAI_API_KEY: "" } });
    const { sandbox, workspace } = scenario;
    // A poll while the clock read IST as UTC: five and a half hours fast.
    await lastPolledAt(workspace, new Date(Date.now() + 5.5 * 3_600_000));
    const call = sandbox.seedCall({ customer: "09876543210", agent: PRATEEK, startedAt: new Date(Date.now() - 3_600_000) });

    const run = await workspace.run();
    expect(run.code, run.stdout).toBe(0);
    expect(sandbox.zoho.ticketsMentioning(`Call ID: ${call.sid}`)).toHaveLength(1);
    expect(Date.parse((await workspace.readState()).watermark!)).toBeLessThanOrEqual(Date.now());
    const warnings = (await workspace.readLog()).split("\n").filter((l) => l.includes("is later than the clock"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("WARN: ");

    expect((await workspace.run()).code).toBe(0);
    expect((await workspace.readLog()).split("\n").filter((l) => l.includes("is later than the clock"))).toHaveLength(1);
  });
});

describe("backfill and the watermark", () => {
  it("leaves the watermark where it was when the backfill starts after it, so the next poll reads the days in between", async () => {
    scenario = await startScenario({ env: { OPENAI_API_KEY: "" } });
    const { sandbox, workspace } = scenario;
    const watermark = daysAgo(10);
    await lastPolledAt(workspace, watermark);
    const between = sandbox.seedCall({ customer: "09876543210", agent: PRATEEK, startedAt: daysAgo(7) });
    const recent = sandbox.seedCall({ customer: "09876543211", agent: PRATEEK, startedAt: daysAgo(2) });

    expect((await workspace.run(["backfill", "--since", istDay(daysAgo(3))])).code).toBe(0);
    expect(sandbox.zoho.ticketsMentioning(`Call ID: ${recent.sid}`)).toHaveLength(1);
    expect((await workspace.readState()).watermark).toBe(watermark.toISOString());

    expect((await workspace.run()).code).toBe(0);
    expect(sandbox.zoho.ticketsMentioning(`Call ID: ${between.sid}`)).toHaveLength(1);
    expect(sandbox.zoho.ticketsMentioning(`Call ID: ${recent.sid}`)).toHaveLength(1);
  });

  it("moves the watermark on when the backfill starts before it", async () => {
    scenario = await startScenario({ env: { OPENAI_API_KEY: "" } });
    const { workspace } = scenario;
    await lastPolledAt(workspace, daysAgo(10));
    const before = Date.now();
    expect((await workspace.run(["backfill", "--since", istDay(daysAgo(12))])).code).toBe(0);
    expect(Date.parse((await workspace.readState()).watermark!)).toBeGreaterThanOrEqual(before - 1000);
  });

  it("refuses a day further back than Exotel keeps calls with exit 2, naming the earliest day, and reads the earliest day itself", async () => {
    scenario = await startScenario({ env: { OPENAI_API_KEY: "" } });
    const { sandbox, workspace } = scenario;
    const earliest = earliestListable(new Date());

    const refused = await workspace.run(["backfill", "--since", istDay(new Date(earliest.getTime() - DAY_MS))]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`the earliest day it can read is ${istDay(earliest)}`);
    expect(sandbox.exotel.service.requests).toHaveLength(0);

    const accepted = await workspace.run(["backfill", "--since", istDay(earliest)]);
    expect(accepted.code, accepted.stdout).toBe(0);
    expect(callListStarts(scenario)[0]).toBe(`${istDay(earliest)} 00:00:00`);
  });
});
