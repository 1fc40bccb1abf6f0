import { promises as fs } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startScenario, type Scenario } from "../support/scenario.js";
import { expectTicketedOnce, LISTEN, RECORDING, requestsMatching, seedAnsweredCall } from "../support/faults.js";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

const RECORDING_BYTES = 64 * 1024;

async function recordingsOnDisk(dir: string): Promise<string[]> {
  return fs.readdir(dir).catch(() => []);
}

describe("recordings on disk", () => {
  it("are removed once their call is done", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox, { recording: { syntheticBytes: RECORDING_BYTES } });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    await expectTicketedOnce(sandbox, workspace, sid);
    expect(await recordingsOnDisk(workspace.recordingsDir)).toEqual([]);
  });

  it("are kept whole with KEEP_RECORDINGS=true", async () => {
    scenario = await startScenario({ env: { KEEP_RECORDINGS: "true" } });
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox, { recording: { syntheticBytes: RECORDING_BYTES } });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    await expectTicketedOnce(sandbox, workspace, sid);
    expect(await recordingsOnDisk(workspace.recordingsDir)).toEqual([`${sid}.mp3`]);
    const kept = await fs.readFile(path.join(workspace.recordingsDir, `${sid}.mp3`));
    const [upload] = requestsMatching(sandbox.deepgram.service, "POST", LISTEN);
    expect(kept.length).toBe(RECORDING_BYTES);
    expect(upload!.bodySize).toBe(RECORDING_BYTES);
  });

  it("cut short in the middle of a download is fetched again, and only the whole file is transcribed", async () => {
    scenario = await startScenario({ env: { KEEP_RECORDINGS: "true" } });
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox, { recording: { syntheticBytes: RECORDING_BYTES } });
    sandbox.exotel.service.faults.add({ match: { path: RECORDING }, fault: { kind: "truncate", bytes: 20_000 } });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(sandbox.exotel.recordingDownloads()).toHaveLength(2);
    const uploads = requestsMatching(sandbox.deepgram.service, "POST", LISTEN);
    expect(uploads.map((u) => u.bodySize)).toEqual([RECORDING_BYTES]);
    expect(await recordingsOnDisk(workspace.recordingsDir)).toEqual([`${sid}.mp3`]);
    expect((await fs.stat(path.join(workspace.recordingsDir, `${sid}.mp3`))).size).toBe(RECORDING_BYTES);
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("cut short on every try leaves no recording file at all (neither whole-looking nor partial), and the next run completes the call", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox, { recording: { syntheticBytes: RECORDING_BYTES } });
    const removeFault = sandbox.exotel.service.faults.add({ match: { path: RECORDING }, times: Infinity, fault: { kind: "truncate", bytes: 20_000 } });

    const first = await workspace.run();
    expect(first.code).toBe(1);
    expect(sandbox.exotel.recordingDownloads()).toHaveLength(4);
    expect(await recordingsOnDisk(workspace.recordingsDir)).toEqual([]);
    expect(sandbox.deepgram.service.requests).toHaveLength(0);
    const state = await workspace.readState();
    expect(state.calls[sid]).toMatchObject({ status: "pending", step: "discovered", attempts: 1 });
    expect(state.calls[sid]!["recording"]).toBeUndefined();
    expect(state.calls[sid]!["lastError"]).toMatch(/exotel: recording for \w+ was cut short \(20000 of 65536 bytes\)/);

    removeFault();
    const second = await workspace.run();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(requestsMatching(sandbox.deepgram.service, "POST", LISTEN).map((u) => u.bodySize)).toEqual([RECORDING_BYTES]);
    await expectTicketedOnce(sandbox, workspace, sid);
    expect(await recordingsOnDisk(workspace.recordingsDir)).toEqual([]);
  });
});
