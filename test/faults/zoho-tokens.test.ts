import { afterEach, describe, expect, it } from "vitest";
import { startScenario, type Scenario } from "../support/scenario.js";
import { eventually, type RunningDaemon, type Workspace } from "../support/workspace.js";
import { expectTicketedOnce, logLines, savedStatus, seedAnsweredCall, tokenRequests } from "../support/faults.js";

let scenario: Scenario | null = null;
let daemon: RunningDaemon | null = null;
afterEach(async () => {
  if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null) await daemon.kill("SIGKILL");
  daemon = null;
  await scenario?.cleanup();
  scenario = null;
});

/** The running program has saved the call as done. */
async function done(workspace: Workspace, sids: string[]): Promise<boolean> {
  for (const sid of sids) if ((await savedStatus(workspace, sid)) !== "done") return false;
  return true;
}

async function pollsFinished(workspace: Workspace): Promise<number> {
  return (await logLines(workspace, "INFO")).filter((l) => l.includes("Poll finished")).length;
}

async function stop(running: RunningDaemon): Promise<void> {
  const result = await running.kill("SIGTERM");
  expect(result.code, running.output()).toBe(0);
}

describe("Zoho access tokens", () => {
  it("expired while the daemon runs are refreshed once for all the calls that meet the expiry together", async () => {
    scenario = await startScenario({ env: { MAX_CONCURRENT_CALLS: "4" } });
    const { sandbox, workspace } = scenario;
    const first = seedAnsweredCall(sandbox);
    daemon = workspace.start();
    await eventually(() => done(workspace, [first.sid]), 20_000, "the first call");
    expect(tokenRequests(sandbox)).toHaveLength(1);

    sandbox.zoho.expireAccessTokens();
    // Desk answers slowly from now on, so the calls' first Desk requests are all out before any answer comes back.
    sandbox.zoho.desk.latencyMs = 400;
    const later = [seedAnsweredCall(sandbox), seedAnsweredCall(sandbox), seedAnsweredCall(sandbox), seedAnsweredCall(sandbox)];
    await eventually(() => done(workspace, later.map((c) => c.sid)), 30_000, "the later calls");
    await stop(daemon);

    const rejected = sandbox.zoho.desk.requests.filter((r) => r.responseStatus === 401);
    expect(rejected.length, "several calls met the expired token at once").toBeGreaterThanOrEqual(2);
    expect(tokenRequests(sandbox), "one refresh, shared").toHaveLength(2);
    for (const { sid } of [first, ...later]) await expectTicketedOnce(sandbox, workspace, sid);
    const state = await workspace.readState();
    for (const { sid } of later) expect(state.calls[sid]!.attempts).toBe(0);
  });

  it("are refreshed before they expire, so Desk never sees an expired one", async () => {
    // Tokens live 303 s: five minutes before expiry (the refresh margin) comes three seconds after each refresh.
    scenario = await startScenario({ sandbox: { zoho: { accessTokenTtlSeconds: 303 } } });
    const { sandbox, workspace } = scenario;
    const first = seedAnsweredCall(sandbox);
    daemon = workspace.start();
    await eventually(() => done(workspace, [first.sid]), 20_000, "the first call");
    const [firstRefresh] = tokenRequests(sandbox);
    expect(firstRefresh).toBeDefined();

    await eventually(() => Date.now() > firstRefresh!.receivedAt + 4_000, 10_000, "the first token to come within the refresh margin");
    const firstToken = sandbox.zoho.liveAccessTokens();
    expect(firstToken, "the first token is still valid at Desk").toHaveLength(1);
    const second = seedAnsweredCall(sandbox);
    await eventually(() => done(workspace, [second.sid]), 20_000, "the second call");
    await stop(daemon);

    expect(tokenRequests(sandbox)).toHaveLength(2);
    expect(sandbox.zoho.desk.requests.filter((r) => r.responseStatus === 401)).toHaveLength(0);
    // The second call's Desk requests carried the new token, not the one about to expire.
    const secondCallRequests = sandbox.zoho.desk.requests.filter((r) => r.receivedAt > tokenRequests(sandbox)[1]!.receivedAt);
    expect(secondCallRequests.length).toBeGreaterThan(0);
    for (const r of secondCallRequests) expect(r.headers.authorization).not.toBe(`Zoho-oauthtoken ${firstToken[0]}`);
    await expectTicketedOnce(sandbox, workspace, second.sid);
  });

  it("throttled by Zoho (Access Denied) hold the calls without using attempts or asking again every poll; once the throttle clears they are ticketed", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const calls = [seedAnsweredCall(sandbox), seedAnsweredCall(sandbox), seedAnsweredCall(sandbox)];
    sandbox.zoho.forceThrottle();

    daemon = workspace.start();
    await eventually(async () => (await pollsFinished(workspace)) >= 2, 20_000, "two polls");
    await stop(daemon);
    expect(tokenRequests(sandbox), "one token request in two polls").toHaveLength(1);
    expect(sandbox.zoho.desk.requests).toHaveLength(0);
    const warnings = (await logLines(workspace, "WARN")).filter((l) => l.includes("Zoho throttled token requests"));
    expect(warnings).toHaveLength(1);
    let state = await workspace.readState();
    for (const { sid } of calls) expect(state.calls[sid]).toMatchObject({ status: "pending", step: "analysis", attempts: 0 });

    const once = await workspace.run();
    expect(once.code, "--once reports the blocked calls").toBe(1);
    expect(tokenRequests(sandbox)).toHaveLength(2);
    state = await workspace.readState();
    for (const { sid } of calls) expect(state.calls[sid]).toMatchObject({ status: "pending", attempts: 0 });

    sandbox.zoho.clearThrottle();
    const cleared = await workspace.run();
    expect(cleared.code, cleared.stdout + cleared.stderr).toBe(0);
    expect(tokenRequests(sandbox)).toHaveLength(3);
    for (const { sid } of calls) await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("that cannot be had because Zoho sign-in answers 500 or drops the connection hold the calls without using attempts or asking again for each call; the next run gets one", async () => {
    // One call at a time: the second call asks for a token only after the first one's refresh has failed.
    scenario = await startScenario({ env: { MAX_CONCURRENT_CALLS: "1" } });
    const { sandbox, workspace } = scenario;
    const calls = [seedAnsweredCall(sandbox), seedAnsweredCall(sandbox)];
    sandbox.zoho.accounts.faults.add({ match: { path: "/oauth/v2/token" }, fault: { kind: "status", status: 500, body: "Internal Server Error" } });
    sandbox.zoho.accounts.faults.add({ match: { path: "/oauth/v2/token" }, fault: { kind: "drop" } });

    for (const [expected, said] of [[500, "HTTP 500"], [null, "unreachable"]] as const) {
      const run = await workspace.run();
      expect(run.code, "--once reports the blocked calls").toBe(1);
      expect(tokenRequests(sandbox).at(-1)!.responseStatus).toBe(expected);
      // The run's summary says calls are blocked "see the error above": there must be one, at the default level.
      const warnings = (await logLines(workspace, "WARN")).filter((l) => l.includes("Zoho sign-in") && l.includes(said));
      expect(warnings).toHaveLength(1);
      const state = await workspace.readState();
      for (const { sid } of calls) expect(state.calls[sid]).toMatchObject({ status: "pending", step: "analysis", attempts: 0 });
    }
    // One token request per run, not one per call.
    expect(tokenRequests(sandbox)).toHaveLength(2);
    expect(sandbox.zoho.desk.requests).toHaveLength(0);

    const next = await workspace.run();
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect(tokenRequests(sandbox)).toHaveLength(3);
    for (const { sid } of calls) await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("from a revoked refresh token stop Zoho work with one clear error naming ZOHO_DESK_REFRESH_TOKEN and the fix; no attempts used, nothing written to Desk", async () => {
    scenario = await startScenario();
    const { sandbox, workspace, env } = scenario;
    const calls = [seedAnsweredCall(sandbox), seedAnsweredCall(sandbox)];
    sandbox.zoho.revokeRefreshToken();

    const run = await workspace.run();
    expect(run.code).toBe(1);
    expect(tokenRequests(sandbox)).toHaveLength(1);
    expect(sandbox.zoho.desk.requests).toHaveLength(0);
    const errors = await logLines(workspace, "ERROR");
    expect(errors, errors.join("\n")).toHaveLength(1);
    expect(errors[0]).toContain("ZOHO_DESK_REFRESH_TOKEN");
    expect(errors[0]).toContain("revoked");
    expect(errors[0]).toContain("Create a new refresh token");
    expect(errors[0]).toContain(".env");
    const state = await workspace.readState();
    for (const { sid } of calls) expect(state.calls[sid]).toMatchObject({ status: "pending", step: "analysis", attempts: 0 });

    // The user makes a new refresh token and puts it in .env.
    await workspace.writeEnv({ ...env, ZOHO_DESK_REFRESH_TOKEN: sandbox.zoho.issueRefreshToken() });
    const fixed = await workspace.run();
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    for (const { sid } of calls) await expectTicketedOnce(sandbox, workspace, sid);
  });
});
