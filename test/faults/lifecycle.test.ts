import { promises as fs } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { startScenario, type Scenario } from "../support/scenario.js";
import { eventually, type RunningDaemon, type RunResult } from "../support/workspace.js";
import { CALL_LIST, CHAT, expectTicketedOnce, LISTEN, logLines, RECORDING, requestsMatching, seedAnsweredCall } from "../support/faults.js";

let scenario: Scenario | null = null;
const daemons: RunningDaemon[] = [];
afterEach(async () => {
  for (const daemon of daemons.splice(0)) if (daemon.child.exitCode === null && daemon.child.signalCode === null) await daemon.kill("SIGKILL");
  await scenario?.cleanup();
  scenario = null;
});

/** Waits for the program to exit after `signal`, failing clearly if it is still running after `limitMs`. */
async function stopWith(daemon: RunningDaemon, signal: NodeJS.Signals, limitMs: number): Promise<RunResult> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${limitMs} ms after ${signal}`)), limitMs);
  });
  try {
    return await Promise.race([daemon.kill(signal), limit]);
  } finally {
    clearTimeout(timer);
  }
}

describe("a single instance per state file", () => {
  it("refuses a second instance with exit 2 naming the first one's pid; after the first is killed, the next start takes over its lock", async () => {
    scenario = await startScenario();
    const { workspace } = scenario;
    const lockFile = `${workspace.stateFile}.lock`;
    const first = workspace.start();
    daemons.push(first);
    await eventually(async () => (await workspace.readLog()).includes(`started (pid ${first.child.pid})`), 20_000, "the first instance to start");
    expect(JSON.parse(await fs.readFile(lockFile, "utf8"))).toMatchObject({ pid: first.child.pid });

    const second = await workspace.run();
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`Another instance (pid ${first.child.pid}) is already running on this state`);
    expect(JSON.parse(await fs.readFile(lockFile, "utf8"))).toMatchObject({ pid: first.child.pid });

    await first.kill("SIGKILL");
    // The killed instance could not remove its lock.
    expect(JSON.parse(await fs.readFile(lockFile, "utf8"))).toMatchObject({ pid: first.child.pid });

    const third = workspace.start();
    daemons.push(third);
    await eventually(async () => (await workspace.readLog()).includes(`started (pid ${third.child.pid})`), 20_000, "the third instance to start");
    const warnings = await logLines(workspace, "WARN");
    expect(warnings.some((l) => l.includes(`Took over the lock of an earlier run (pid ${first.child.pid}) that is no longer running`))).toBe(true);
    expect(JSON.parse(await fs.readFile(lockFile, "utf8"))).toMatchObject({ pid: third.child.pid });

    const stopped = await stopWith(third, "SIGINT", 35_000);
    expect(stopped.code).toBe(0);
    await expect(fs.access(lockFile)).rejects.toThrow();
  });
});

describe("shutdown", () => {
  it("on SIGTERM lets the transcription in flight finish and saves it, starts nothing new, exits 0; the next start finishes the call with one ticket", async () => {
    scenario = await startScenario({ env: { MAX_CONCURRENT_CALLS: "1" }, sandbox: { latency: { deepgram: 1500 } } });
    const { sandbox, workspace } = scenario;
    const inFlight = seedAnsweredCall(sandbox, { startedAt: new Date(Date.now() - 20 * 60_000) });
    const queued = seedAnsweredCall(sandbox, { startedAt: new Date(Date.now() - 15 * 60_000) });

    const daemon = workspace.start();
    daemons.push(daemon);
    await sandbox.deepgram.service.waitForRequest((r) => r.method === "POST" && LISTEN.test(r.path), 20_000);
    const signalledAt = Date.now();
    const result = await stopWith(daemon, "SIGTERM", 35_000);
    expect(result.code, daemon.output()).toBe(0);

    // The transcription that was under way was answered and saved.
    const listen = requestsMatching(sandbox.deepgram.service, "POST", LISTEN);
    expect(listen.map((r) => r.responseStatus)).toEqual([200]);
    const state = await workspace.readState();
    expect(state.calls[inFlight.sid]).toMatchObject({ status: "pending", step: "transcript", attempts: 0 });
    expect(state.calls[inFlight.sid]!["transcript"]).toBeTruthy();
    // Nothing started after the signal: no analysis, no Desk work, not the queued call's recording.
    expect(requestsMatching(sandbox.openai.service, "POST", CHAT)).toHaveLength(0);
    expect(sandbox.zoho.desk.requests).toHaveLength(0);
    expect(sandbox.exotel.recordingDownloads().map((d) => d.sid)).toEqual([inFlight.sid]);
    expect(state.calls[queued.sid]).toMatchObject({ status: "pending", step: "discovered" });
    for (const service of sandbox.services()) expect(service.requests.every((r) => r.receivedAt <= signalledAt), service.name).toBe(true);
    const log = await workspace.readLog();
    expect(log).toContain("SIGTERM received: finishing the steps in progress");
    expect(log).toContain("Stopped cleanly; state saved");

    sandbox.deepgram.service.latencyMs = 0;
    const restart = await workspace.run();
    expect(restart.code, restart.stdout + restart.stderr).toBe(0);
    await expectTicketedOnce(sandbox, workspace, inFlight.sid);
    await expectTicketedOnce(sandbox, workspace, queued.sid);
    // The call that was stopped is not transcribed a second time.
    expect(requestsMatching(sandbox.deepgram.service, "POST", LISTEN)).toHaveLength(2);
    expect(sandbox.exotel.recordingDownloads().filter((d) => d.sid === inFlight.sid)).toHaveLength(1);
    expect(requestsMatching(sandbox.exotel.service, "GET", RECORDING)).toHaveLength(2);
  });
});

describe("the poll loop", () => {
  it("polls again every POLL_INTERVAL_SECONDS after a poll whose call list failed, and tickets the call once Exotel answers", async () => {
    scenario = await startScenario({ env: { POLL_INTERVAL_SECONDS: "1", LOG_LEVEL: "debug" } });
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    // Every try of the first poll (the first and three retries) fails.
    sandbox.exotel.failNext(503, { times: 4 });

    const daemon = workspace.start();
    daemons.push(daemon);
    await eventually(() => sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`).length > 0, 30_000, "the call to be ticketed by a later poll");
    const callLists = requestsMatching(sandbox.exotel.service, "GET", CALL_LIST);
    expect(callLists.slice(0, 5).map((r) => r.responseStatus)).toEqual([503, 503, 503, 503, 200]);
    await eventually(async () => (await workspace.readLog()).split("Poll finished").length - 1 >= 4, 20_000, "two more polls");
    // The state file itself (not only its journal) shows the call done while the program runs.
    await eventually(async () => (await workspace.readState()).calls[sid]?.["status"] === "done", 10_000, "processed_calls.json to show the call done");

    expect(daemon.child.exitCode).toBeNull();
    const result = await stopWith(daemon, "SIGINT", 35_000);
    expect(result.code, daemon.output()).toBe(0);
    await expectTicketedOnce(sandbox, workspace, sid);
    expect(await workspace.readLog()).toContain("Could not read Exotel's call list to the end");
  });

  it("does not start a poll while the last one is still working, however long it takes", async () => {
    scenario = await startScenario({ env: { POLL_INTERVAL_SECONDS: "1" }, sandbox: { latency: { deepgram: 3000 } } });
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    const daemon = workspace.start();
    daemons.push(daemon);
    await eventually(() => sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`).length > 0, 30_000, "the call to be ticketed");
    await eventually(() => requestsMatching(sandbox.exotel.service, "GET", CALL_LIST).length >= 2, 10_000, "the next poll");
    const result = await stopWith(daemon, "SIGINT", 35_000);
    expect(result.code, daemon.output()).toBe(0);

    const [transcription] = requestsMatching(sandbox.deepgram.service, "POST", LISTEN);
    const ticketCreate = sandbox.zoho.desk.requests.find((r) => r.method === "POST" && r.path === "/api/v1/tickets")!;
    const listsWhileBusy = requestsMatching(sandbox.exotel.service, "GET", CALL_LIST).filter((r) => r.receivedAt > transcription!.receivedAt && r.receivedAt < ticketCreate.receivedAt);
    expect(listsWhileBusy).toHaveLength(0);
    await expectTicketedOnce(sandbox, workspace, sid);
  });
});
