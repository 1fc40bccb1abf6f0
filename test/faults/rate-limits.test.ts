import { afterEach, describe, expect, it } from "vitest";
import { startScenario, type Scenario } from "../support/scenario.js";
import { expectTicketedOnce, LISTEN, logLines, requestsMatching, seedAnsweredCall, ticketPosts } from "../support/faults.js";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

const CREATE_TICKET = { method: "POST", path: "/api/v1/tickets" };

describe("A service that answers 429", () => {
  it("with a Retry-After beyond what a retry waits for pauses every call's requests to it; the calls wait without using attempts, and the next run tickets them", async () => {
    // One call at a time, so that which requests reach Deepgram does not depend on timing.
    scenario = await startScenario({ env: { MAX_CONCURRENT_CALLS: "1" } });
    const { sandbox, workspace } = scenario;
    const calls = [seedAnsweredCall(sandbox), seedAnsweredCall(sandbox), seedAnsweredCall(sandbox)];
    sandbox.deepgram.failNext(429, { retryAfterSeconds: 120 });

    const throttled = await workspace.run(["--once"], {}, 30_000);
    expect(throttled.signal, "the run must end by itself, not wait out the pause").toBeNull();
    expect(throttled.code).toBe(1);
    // The first call's request was refused; the others did not knock again.
    expect(requestsMatching(sandbox.deepgram.service, "POST", LISTEN).map((r) => r.responseStatus)).toEqual([429]);
    const state = await workspace.readState();
    for (const { sid } of calls) {
      expect(state.calls[sid]).toMatchObject({ status: "pending", attempts: 0, reason: expect.stringMatching(/^Deepgram keeps answering 429/) });
    }
    const warnings = (await logLines(workspace, "WARN")).filter((l) => l.includes("Deepgram asked us to slow down (HTTP 429)"));
    expect(warnings).toHaveLength(1);
    expect(sandbox.zoho.tickets()).toHaveLength(0);

    const next = await workspace.run();
    expect(next.code, next.stdout + next.stderr).toBe(0);
    for (const { sid } of calls) await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("on every try, run after run, never fails the call: it waits, and is ticketed once when the service lets it in", async () => {
    scenario = await startScenario({ env: { MAX_CALL_ATTEMPTS: "2" } });
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    const stopThrottling = sandbox.zoho.injectTooManyRequests({ match: CREATE_TICKET, times: Infinity });

    for (let run = 0; run < 3; run++) {
      const throttled = await workspace.run(["--once"]);
      expect(throttled.code).toBe(1);
      expect((await workspace.readState()).calls[sid]).toMatchObject({ status: "pending", attempts: 0 });
    }
    const warnings = (await logLines(workspace, "WARN")).filter((l) => l.includes("Zoho Desk asked us to slow down (HTTP 429)"));
    expect(warnings).toHaveLength(3);
    // Four tries a run, each refused; Desk never acted on one.
    expect(ticketPosts(sandbox).map((r) => r.responseStatus)).toEqual(Array.from({ length: 12 }, () => 429));
    expect(sandbox.zoho.tickets()).toHaveLength(0);

    stopThrottling();
    const next = await workspace.run();
    expect(next.code, next.stdout + next.stderr).toBe(0);
    await expectTicketedOnce(sandbox, workspace, sid);
  });
});
