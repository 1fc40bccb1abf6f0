import { afterEach, describe, expect, it } from "vitest";
import type { EmulatedService, FaultRule, Sandbox } from "../../src/sandbox/index.js";
import { sampleCall } from "../../src/sandbox/samples/manifest.js";
import { DESK, expectExactlyOnce, journalShows, journalSteps, killNow, runUntilSettled, seedSample, stalled } from "../support/crash.js";
import { startScenario, type Scenario } from "../support/scenario.js";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

/** The request that starts a step: the daemon is held there, without the service acting on it. */
interface StepStart {
  service: (sandbox: Sandbox) => EmulatedService;
  match: NonNullable<FaultRule["match"]>;
}

const STARTS = {
  recording: { service: (s) => s.exotel.service, match: { method: "GET", path: /^\/exotelrecordings\/.+\.mp3$/ } },
  transcript: { service: (s) => s.deepgram.service, match: { method: "POST", path: "/v1/listen" } },
  analysis: { service: (s) => s.openai.service, match: { method: "POST", path: "/v1/chat/completions" } },
  contact: { service: (s) => s.zoho.desk, match: { method: "GET", path: DESK.contactSearch } },
  ticket: { service: (s) => s.zoho.desk, match: { method: "POST", path: DESK.tickets } },
  comments: { service: (s) => s.zoho.desk, match: { method: "POST", path: DESK.comments } },
} satisfies Record<string, StepStart>;

type StepName = keyof typeof STARTS;

const STEP_NAMES: Record<StepName, string> = {
  recording: "the recording download",
  transcript: "the transcription",
  analysis: "the analysis",
  contact: "the contact search",
  ticket: "the ticket create",
  comments: "the comment create",
};

async function scenarioWithOneCall() {
  scenario = await startScenario();
  const call = seedSample(scenario.sandbox, sampleCall("upi-double-charge"));
  return { ...scenario, call };
}

describe("killed at a step boundary", () => {
  for (const step of Object.keys(STARTS) as StepName[]) {
    it(`makes one ticket with one note when killed as ${STEP_NAMES[step]} starts`, async () => {
      const { sandbox, workspace, call } = await scenarioWithOneCall();
      const start = STARTS[step];
      const service = start.service(sandbox);
      service.faults.add({ match: start.match, fault: { kind: "stall" } });

      const daemon = workspace.start([]);
      await stalled(service, daemon);
      await killNow(daemon);
      service.faults.clear();
      // Held before it was handled: nothing of this step reached the service.
      if (step === "ticket") expect(sandbox.zoho.tickets()).toHaveLength(0);

      await runUntilSettled(workspace, [call.sid]);
      await expectExactlyOnce(sandbox, workspace, [call]);
    });
  }

  // Each step's result is saved before the next starts; the next step's first request is held so the kill lands before it saves.
  // (After the recording or the transcript is saved, the next request is the one held above, so those add little.)
  const SAVED: Array<[saved: StepName, next: StepName]> = [
    ["analysis", "contact"],
    ["contact", "ticket"],
    ["ticket", "comments"],
  ];
  for (const [saved, next] of SAVED) {
    it(`makes one ticket with one note when killed right after the ${saved} step was saved`, async () => {
      const { sandbox, workspace, call } = await scenarioWithOneCall();
      const start = STARTS[next];
      const service = start.service(sandbox);
      service.faults.add({ match: start.match, fault: { kind: "stall" } });

      const daemon = workspace.start([]);
      await journalShows(workspace, daemon, call.sid, saved);
      await killNow(daemon);
      service.faults.clear();
      expect((await journalSteps(workspace, call.sid)).at(-1)).toBe(saved);

      await runUntilSettled(workspace, [call.sid]);
      await expectExactlyOnce(sandbox, workspace, [call]);
    });
  }
});
