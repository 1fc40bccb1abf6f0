import { promises as fs } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { startScenario, type Scenario } from "../support/scenario.js";
import { allRequests, expectTicketedOnce, seedAnsweredCall, snapshotFiles } from "../support/faults.js";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

describe("a journal line that is well-formed but leaves what the state file cannot hold", () => {
  it("stops every start with exit 2 naming the journal, its line and field, leaves the files as they were, and starts again once the journal is moved aside", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const call = seedAnsweredCall(sandbox);
    const first = await workspace.run();
    expect(first.code, first.stdout + first.stderr).toBe(0);

    const journal = `${workspace.stateFile}.journal`;
    await fs.appendFile(journal, `${JSON.stringify({ sid: call.sid, set: { status: "finished", attempts: -1 } })}\n`);
    for (const service of sandbox.services()) service.resetLog();
    const before = await snapshotFiles(workspace.dir);

    for (let start = 0; start < 2; start++) {
      const refused = await workspace.run();
      expect(refused.code, refused.stdout + refused.stderr).toBe(2);
      expect(refused.stderr).toContain(`${journal} leaves what ${workspace.stateFile} cannot hold`);
      expect(refused.stderr).toContain(`- line 2 (call ${call.sid}, status):`);
      expect(refused.stderr).toContain(`move ${journal} aside`);
      const after = await snapshotFiles(workspace.dir);
      for (const [file, bytes] of before) if (file !== "zoho_processor.log") expect(after.get(file)?.equals(bytes), `${file} unchanged`).toBe(true);
      expect(allRequests(sandbox)).toHaveLength(0);
    }

    await fs.rename(journal, `${journal}.aside`);
    const resumed = await workspace.run();
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    await expectTicketedOnce(sandbox, workspace, call.sid);
  });
});
