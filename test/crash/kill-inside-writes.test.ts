import { afterEach, describe, expect, it } from "vitest";
import type { FaultRule } from "../../src/sandbox/index.js";
import { SAMPLE_AGENTS, sampleCall } from "../../src/sandbox/samples/manifest.js";
import { DESK, expectExactlyOnce, killNow, runUntilSettled, seedConversation, seedSample, stalled, type ExpectedCall } from "../support/crash.js";
import { startScenario, type Scenario } from "../support/scenario.js";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

interface WriteCase {
  name: string;
  /** Rules on the desk; the last one is the commit-then-stall the daemon is killed in. */
  faults: FaultRule[];
  long?: boolean;
}

const commitThenStall = (match: FaultRule["match"]): FaultRule => ({ match, fault: { kind: "commit-then-stall" } });

const CASES: WriteCase[] = [
  { name: "creates one contact when killed after the contact was committed", faults: [commitThenStall({ method: "POST", path: DESK.contacts })] },
  { name: "creates one ticket when killed after the ticket was committed", faults: [commitThenStall({ method: "POST", path: DESK.tickets })] },
  { name: "adds one transcript note when killed after the comment was committed", faults: [commitThenStall({ method: "POST", path: DESK.comments })] },
  {
    name: "adds each part of a long transcript once when killed after the second part was committed",
    long: true,
    // The first part goes through untouched; the second is committed and its answer never comes.
    faults: [{ match: { method: "POST", path: DESK.comments }, fault: { kind: "delay", ms: 0 } }, commitThenStall({ method: "POST", path: DESK.comments })],
  },
];

describe("killed inside a write to Zoho Desk", () => {
  for (const { name, faults, long } of CASES) {
    it(name, async () => {
      scenario = await startScenario();
      const { sandbox, workspace } = scenario;
      const call: ExpectedCall = long
        ? seedConversation(sandbox, { tag: "long call", customer: "09810000001", agent: SAMPLE_AGENTS[0]!.number, minChars: 40_000 })
        : seedSample(sandbox, sampleCall("order-not-delivered"));
      for (const rule of faults) sandbox.zoho.desk.faults.add(rule);

      const daemon = workspace.start([]);
      const held = await stalled(sandbox.zoho.desk, daemon);
      await killNow(daemon);
      sandbox.zoho.desk.faults.clear();
      // The daemon died holding a write that did happen but whose answer it never saw.
      const match = faults.at(-1)!.match!;
      expect(held.method).toBe("POST");
      expect(typeof match.path === "string" ? held.path === match.path : match.path!.test(held.path)).toBe(true);
      if (long) expect(held.body.toString()).toContain("Call transcript (part 2 of ");

      await runUntilSettled(workspace, [call.sid]);
      await expectExactlyOnce(sandbox, workspace, [call]);
    });
  }
});
