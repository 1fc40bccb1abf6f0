import { promises as fs } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { startScenario, type Scenario } from "../support/scenario.js";
import { eventually, type RunningDaemon, type RunResult } from "../support/workspace.js";
import { journalShows } from "../support/crash.js";
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

  it("on SIGTERM stops waiting at once, for a retry and for a 429 pause alike; the calls keep their steps and attempts, and the next start tickets each once", async () => {
    scenario = await startScenario({ env: { MAX_CONCURRENT_CALLS: "12" } });
    const { sandbox, workspace } = scenario;
    const calls = Array.from({ length: 12 }, () => seedAnsweredCall(sandbox));
    // The first contact search is told to wait 50 s: that request waits to be retried, and every
    // other request to Zoho Desk waits for the pause to end.
    sandbox.zoho.injectThresholdExceeded({ match: { method: "GET", path: "/api/v1/contacts/search" }, retryAfterSeconds: 50 });

    const daemon = workspace.start();
    daemons.push(daemon);
    await eventually(async () => (await logLines(workspace, "WARN")).some((l) => /Zoho Desk: .*429.*; retrying in 50 s/.test(l)), 20_000, "the 429's retry to be put off");
    // Every call is through its analysis: one is waiting to retry, the others for the pause to end.
    for (const { sid } of calls) await journalShows(workspace, daemon, sid, "analysis");
    const signalledAt = Date.now();
    const result = await stopWith(daemon, "SIGTERM", 35_000);
    expect(result.code, daemon.output()).toBe(0);
    const log = await workspace.readLog();
    expect(log).toContain("Stopped cleanly; state saved");
    // Had a wait been sat out, the 30 s grace period would have ended the program.
    expect(log).not.toContain("Steps still running after the grace period");
    // A dozen requests waiting on one stop signal is expected, not a leak to warn about.
    expect(daemon.output()).not.toContain("MaxListenersExceededWarning");
    // The waits ended in giving up, not in sending: nothing went to Zoho Desk after the signal.
    expect(sandbox.zoho.desk.requests.every((r) => r.receivedAt <= signalledAt)).toBe(true);
    expect(sandbox.zoho.desk.requests.filter((r) => r.responseStatus === 429)).toHaveLength(1);
    expect(sandbox.zoho.desk.requests.filter((r) => r.method !== "GET")).toHaveLength(0);

    const state = await workspace.readState();
    for (const { sid } of calls) {
      expect(state.calls[sid]).toMatchObject({ status: "pending", step: "analysis", attempts: 0 });
      expect(state.calls[sid]!["reason"] ?? null).toBeNull();
    }

    const restart = await workspace.run();
    expect(restart.code, restart.stdout + restart.stderr).toBe(0);
    for (const { sid } of calls) await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("on SIGTERM while OpenAI's retry waits, saves no keyword analysis in its place; the next start analyses the call with OpenAI", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const concern = "OpenAI read: the router keeps dropping";
    const { sid } = seedAnsweredCall(sandbox, { analysis: { concern, mood: "Negative", summary: "The router keeps dropping." } });
    sandbox.openai.scriptNext({ kind: "rate-limit", retryAfterMs: 50_000 });

    const daemon = workspace.start();
    daemons.push(daemon);
    await eventually(async () => (await logLines(workspace, "WARN")).some((l) => /OpenAI: .*429.*; retrying in 50 s/.test(l)), 20_000, "OpenAI's retry to be put off");
    const result = await stopWith(daemon, "SIGTERM", 35_000);
    expect(result.code, daemon.output()).toBe(0);
    const log = await workspace.readLog();
    expect(log).toContain("Stopped cleanly; state saved");
    expect(log).not.toContain("Steps still running after the grace period");
    expect(log).not.toContain("using keyword analysis");
    const state = await workspace.readState();
    expect(state.calls[sid]).toMatchObject({ status: "pending", step: "transcript", attempts: 0 });
    expect(state.calls[sid]!["analysis"] ?? null).toBeNull();

    const restart = await workspace.run();
    expect(restart.code, restart.stdout + restart.stderr).toBe(0);
    await expectTicketedOnce(sandbox, workspace, sid);
    expect(sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`)[0]?.subject).toContain(concern);
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
