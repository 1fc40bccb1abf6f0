import { promises as fs } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { startScenario, type Scenario } from "../support/scenario.js";
import { CALL_LIST, callListRequests, expectTicketedOnce, gapMs, logLines, RECORDING, requestsMatching, seedAnsweredCall } from "../support/faults.js";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

describe("Exotel's call list", () => {
  it("is read again after a 500 and after a page that is not JSON, and the call is ticketed", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.exotel.failNext(500);
    sandbox.exotel.service.faults.add({ match: { path: CALL_LIST }, fault: { kind: "malformed", body: "<html><body>502 Bad Gateway</body></html>", contentType: "text/html" } });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(callListRequests(sandbox).map((r) => r.responseStatus)).toEqual([500, 200, 200]);
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("is read again only after the wait a 429's Retry-After asks for", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.exotel.failNext(429, { headers: { "retry-after": "1" } });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [limited, retried, ...more] = callListRequests(sandbox);
    expect(more).toHaveLength(0);
    expect(limited!.responseStatus).toBe(429);
    expect(retried!.responseStatus).toBe(200);
    // The configured backoff is tens of milliseconds: only Retry-After explains a wait of a second.
    expect(gapMs(limited!, retried!)).toBeGreaterThanOrEqual(990);
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("is not waited for when a 429's Retry-After is beyond the cap; the run ends with exit 1 and the call waits for the next", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.exotel.failNext(429, { headers: { "retry-after": "3600" } });

    const run = await workspace.run(["--once"], {}, 30_000);
    expect(run.signal, "the run must not wait an hour").toBeNull();
    expect(run.code).toBe(1);
    expect(callListRequests(sandbox).map((r) => r.responseStatus)).toEqual([429]);
    expect(sandbox.zoho.ticketsMentioning(sid)).toHaveLength(0);
  });

  it("is read again after the connection drops without an answer, and after an answer that stalls and then breaks off", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.exotel.service.faults.add({ match: { path: CALL_LIST }, fault: { kind: "drop" } });
    sandbox.exotel.service.faults.add({ match: { path: CALL_LIST }, fault: { kind: "stall", ms: 500 } });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(callListRequests(sandbox).map((r) => r.responseStatus)).toEqual([null, null, 200]);
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("that keeps failing ends the run with exit 1, keeps the watermark, and is caught up on the next run", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.exotel.failNext(503, { times: Infinity });

    const failing = await workspace.run();
    expect(failing.code).toBe(1);
    // Four tries in all (the first and three retries), then the cycle gives up on the list.
    expect(callListRequests(sandbox).map((r) => r.responseStatus)).toEqual([503, 503, 503, 503]);
    expect((await workspace.readState()).watermark).toBeNull();
    expect((await logLines(workspace, "WARN")).some((l) => l.includes("Could not read Exotel's call list to the end") && l.includes("HTTP 503"))).toBe(true);
    expect(sandbox.zoho.tickets()).toHaveLength(0);

    sandbox.exotel.service.faults.clear();
    const next = await workspace.run();
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect((await workspace.readState()).watermark).not.toBeNull();
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("that keeps failing leaves a waiting call waiting, however long it has waited, until it can be read again", async () => {
    scenario = await startScenario({ env: { RECORDING_WAIT_MINUTES: "60" } });
    const { sandbox, workspace, env } = scenario;
    const { sid } = seedAnsweredCall(sandbox, { startedAt: new Date(Date.now() - 5 * 60_000), settleDelayMs: 3_600_000 });
    expect((await workspace.run()).code).toBe(0);
    expect((await workspace.readState()).calls[sid]).toMatchObject({ status: "pending", reason: "waiting for the recording" });

    // A wait of zero stands in for an outage that outlasts the recording wait.
    await workspace.writeEnv({ ...env, RECORDING_WAIT_MINUTES: "0" });
    sandbox.exotel.failNext(503, { times: Infinity });
    expect((await workspace.run()).code).toBe(1);
    expect((await workspace.readState()).calls[sid]).toMatchObject({ status: "pending", reason: "waiting for the recording" });

    sandbox.exotel.service.faults.clear();
    sandbox.exotel.settle(sid);
    const next = await workspace.run();
    expect(next.code, next.stdout + next.stderr).toBe(0);
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("is not asked again after a 401, which no retry mends", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    seedAnsweredCall(sandbox);
    sandbox.exotel.failNext(401, { message: "Authentication failed" });

    const run = await workspace.run();
    expect(run.code).toBe(1);
    expect(callListRequests(sandbox).map((r) => r.responseStatus)).toEqual([401]);
    expect((await logLines(workspace, "WARN")).some((l) => l.includes("HTTP 401"))).toBe(true);
    expect(sandbox.zoho.tickets()).toHaveLength(0);
  });

  it("with one unreadable row fails that call alone; the others on the page are ticketed", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const good = [seedAnsweredCall(sandbox), seedAnsweredCall(sandbox)];
    const bad = seedAnsweredCall(sandbox);
    // A field of the wrong type in one row of the page.
    (sandbox.exotel.get(bad.sid) as unknown as { status: unknown }).status = 42;

    const run = await workspace.run();
    expect(run.code, "a call failed this cycle").toBe(1);
    for (const { sid } of good) await expectTicketedOnce(sandbox, workspace, sid);
    expect(sandbox.zoho.ticketsMentioning(bad.sid)).toHaveLength(0);
    const state = await workspace.readState();
    expect(state.calls[bad.sid]).toMatchObject({ status: "pending", attempts: 1 });
    expect(state.calls[bad.sid]!["lastError"]).toContain("Status");
    expect((await logLines(workspace, "WARN")).some((l) => l.includes(bad.sid) && l.includes("Status"))).toBe(true);
    expect(requestsMatching(sandbox.exotel.service, "GET", RECORDING).map((r) => r.path)).not.toContain(expect.stringContaining(bad.sid));
  });
});

describe("Exotel's recording download", () => {
  it("is tried again after a 500 and after a dropped connection", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.exotel.service.faults.add({ match: { path: RECORDING }, fault: { kind: "status", status: 500, body: "Internal Server Error" } });
    sandbox.exotel.service.faults.add({ match: { path: RECORDING }, fault: { kind: "drop" } });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(sandbox.exotel.recordingDownloads().map((d) => d.status)).toEqual([500, null, 200]);
    await expectTicketedOnce(sandbox, workspace, sid);
    expect(await fs.readdir(workspace.recordingsDir)).toEqual([]);
  });

  it("that answers 302 to a presigned URL is followed there without credentials, and the call is ticketed with its transcript", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.exotel.redirectRecordings = true;

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(sandbox.exotel.recordingDownloads().map((d) => [d.sid, d.signed, d.status])).toEqual([
      [sid, false, 302],
      [sid, true, 200],
    ]);
    const [redirecting, signed] = requestsMatching(sandbox.exotel.service, "GET", RECORDING);
    expect(redirecting!.headers.authorization).toBe(sandbox.exotel.authorization);
    expect(signed!.headers.authorization).toBeUndefined();
    await expectTicketedOnce(sandbox, workspace, sid);
    const [ticket] = sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`);
    expect(sandbox.zoho.comments(ticket!.id)[0]!.content).toContain("I have a question about my account");
  });

  it("that redirects more than 5 times fails the call's attempt with a clear message, and no credentials or signatures reach the log", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid, recordingUrl } = seedAnsweredCall(sandbox);
    const signature = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    const location = `${recordingUrl}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=${signature}`;
    sandbox.exotel.service.faults.add({ match: { path: RECORDING }, times: Infinity, fault: { kind: "status", status: 302, headers: { location }, body: "Found" } });

    const run = await workspace.run();
    expect(run.code, "a call failed this cycle").toBe(1);
    // The first request and five redirects followed; a loop is not retried.
    expect(sandbox.exotel.recordingDownloads().map((d) => [d.signed, d.status])).toEqual([[false, 302], ...Array.from({ length: 5 }, () => [true, 302])]);
    const message = `recording for ${sid} redirected more than 5 times`;
    const state = await workspace.readState();
    expect(state.calls[sid]).toMatchObject({ status: "pending", attempts: 1 });
    expect(state.calls[sid]!["lastError"]).toContain(message);
    expect((await logLines(workspace, "WARN")).some((l) => l.includes(sid) && l.includes(message))).toBe(true);
    expect(sandbox.zoho.ticketsMentioning(sid)).toHaveLength(0);

    const log = await workspace.readLog();
    for (const secret of [sandbox.exotel.apiKey, sandbox.exotel.apiToken, sandbox.exotel.authorization.replace(/^Basic /, ""), signature, "X-Amz-"]) {
      expect(log).not.toContain(secret);
    }
  });
});
