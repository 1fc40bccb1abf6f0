import { afterEach, describe, expect, it } from "vitest";
import { SAMPLE_AGENTS, sampleCall } from "../../src/sandbox/samples/manifest.js";
import { DESK, expectExactlyOnce, killNow, runUntilSettled, seedConversation, seedSample, stalled } from "../support/crash.js";
import { startScenario, type Scenario } from "../support/scenario.js";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

/** New tickets and contacts stay out of search this long; the daemon waits a little longer before trusting a miss. */
const LAG_MS = 4_000;
const SETTLE_SECONDS = "6";

async function laggingScenario() {
  scenario = await startScenario({ env: { ZOHO_SEARCH_SETTLE_SECONDS: SETTLE_SECONDS } });
  scenario.sandbox.zoho.setSearchIndexLag(LAG_MS);
  return scenario;
}

/** Starts the daemon, kills it while Desk holds its POST to `path` under `kind`, then lets Desk answer again. */
async function killInsideDeskWrite(path: string, kind: "stall" | "commit-then-stall"): Promise<void> {
  const { sandbox, workspace } = scenario!;
  sandbox.zoho.desk.faults.add({ match: { method: "POST", path }, fault: { kind } });
  const daemon = workspace.start([]);
  await stalled(sandbox.zoho.desk, daemon);
  await killNow(daemon);
  sandbox.zoho.desk.faults.clear();
}

describe("killed inside a write while Zoho's search lags behind", () => {
  it("creates one ticket when killed after the ticket was committed", async () => {
    const { sandbox, workspace } = await laggingScenario();
    const call = seedSample(sandbox, sampleCall("broadband-down"));
    await killInsideDeskWrite(DESK.tickets, "commit-then-stall");

    const runs = await runUntilSettled(workspace, [call.sid], { maxRuns: 20, pauseMs: 100 });
    // The restart searched before the index had the ticket, waited instead of creating another, looked again and finished.
    expect(runs).toHaveLength(1);
    expect(runs[0]!.stdout).toContain(`Zoho's search does not show a ticket for call ${call.sid} yet`);
    await expectExactlyOnce(sandbox, workspace, [call]);
  });

  it("creates one contact for a caller's two calls when killed after the contact was committed", async () => {
    const { sandbox, workspace } = await laggingScenario();
    const customer = "09810000031";
    const agent = SAMPLE_AGENTS[0]!.number;
    const first = seedConversation(sandbox, { tag: "first call", customer, agent, startedAt: new Date(Date.now() - 12 * 60_000) });
    const second = seedConversation(sandbox, { tag: "second call", customer, agent, startedAt: new Date(Date.now() - 8 * 60_000) });
    await killInsideDeskWrite(DESK.contacts, "commit-then-stall");
    expect(sandbox.zoho.contacts()).toHaveLength(1);

    const runs = await runUntilSettled(workspace, [first.sid, second.sid], { maxRuns: 20, pauseMs: 100 });
    expect(runs).toHaveLength(1);
    await expectExactlyOnce(sandbox, workspace, [first, second]);
  });

  it("creates the ticket in the first --once restart when killed before Desk saw the create: it waits for search, then creates one", async () => {
    const { sandbox, workspace } = await laggingScenario();
    const call = seedSample(sandbox, sampleCall("broadband-down"));
    // The create is held before Desk acts on it, so the killed program's intent had no effect.
    await killInsideDeskWrite(DESK.tickets, "stall");
    expect(sandbox.zoho.tickets()).toHaveLength(0);

    const run = await workspace.run(["--once"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`Zoho's search does not show a ticket for call ${call.sid} yet`);
    await expectExactlyOnce(sandbox, workspace, [call]);
  });
});
