import { afterEach, describe, expect, it } from "vitest";
import { startScenario, type Scenario } from "../support/scenario.js";
import { expectTicketedOnce, gapMs, LISTEN, logLines, requestsMatching, seedAnsweredCall } from "../support/faults.js";
import type { Sandbox } from "../../src/sandbox/index.js";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

function listenRequests(sandbox: Sandbox) {
  return requestsMatching(sandbox.deepgram.service, "POST", LISTEN);
}

describe("Deepgram transcription", () => {
  it("answering 500 (no Retry-After) is asked again after a backoff, not at once, and the call is ticketed with its transcript", async () => {
    scenario = await startScenario({ env: { HTTP_RETRY_BASE_MS: "400" } });
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.deepgram.failNext(500);

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [failed, retried, ...more] = listenRequests(sandbox);
    expect(more).toHaveLength(0);
    expect([failed!.responseStatus, retried!.responseStatus]).toEqual([500, 200]);
    // The first retry waits the base delay, less at most half of it for jitter.
    expect(gapMs(failed!, retried!)).toBeGreaterThanOrEqual(200);
    await expectTicketedOnce(sandbox, workspace, sid);
    const [ticket] = sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`);
    expect(sandbox.zoho.comments(ticket!.id)[0]!.content).toContain("I have a question about my account");
  });

  it("is asked again only after the wait a 429's Retry-After asks for", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.deepgram.failNext(429, { retryAfterSeconds: 1 });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [limited, retried, ...more] = listenRequests(sandbox);
    expect(more).toHaveLength(0);
    expect([limited!.responseStatus, retried!.responseStatus]).toEqual([429, 200]);
    expect(gapMs(limited!, retried!)).toBeGreaterThanOrEqual(990);
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("is asked again after the connection drops, and after an answer that stalls and breaks off", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.deepgram.service.faults.add({ match: { path: LISTEN }, fault: { kind: "drop" } });
    sandbox.deepgram.service.faults.add({ match: { path: LISTEN }, fault: { kind: "stall", ms: 500 } });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(listenRequests(sandbox).map((r) => r.responseStatus)).toEqual([null, null, 200]);
    // Each try sends the whole recording again.
    const sizes = new Set(listenRequests(sandbox).map((r) => r.bodySize));
    expect(sizes).toEqual(new Set([16 * 1024]));
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("answering 200 with a body that is not JSON fails the call's attempt, and the next run finishes it", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.deepgram.service.faults.add({ match: { path: LISTEN }, fault: { kind: "malformed", body: "<html>upstream reset</html>", contentType: "text/html" } });

    const first = await workspace.run();
    expect(first.code).toBe(1);
    expect(listenRequests(sandbox)).toHaveLength(1);
    const state = await workspace.readState();
    expect(state.calls[sid]).toMatchObject({ status: "pending", step: "recording", attempts: 1 });
    expect(state.calls[sid]!["lastError"]).toContain("deepgram: transcribe answered an unexpected shape");
    expect((await logLines(workspace, "WARN")).some((l) => l.includes(`Call ${sid} attempt 1 of 5 failed`))).toBe(true);
    expect(sandbox.zoho.tickets()).toHaveLength(0);

    const second = await workspace.run();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(listenRequests(sandbox)).toHaveLength(2);
    await expectTicketedOnce(sandbox, workspace, sid);
  });
});
