import { afterEach, describe, expect, it } from "vitest";
import type { Sandbox, SeededCall } from "../../src/sandbox/index.js";
import type { ScriptedOutcome } from "../../src/sandbox/openai/index.js";
import { startScenario, type Scenario } from "../support/scenario.js";
import { expectTicketedOnce, gapMs, logLines, seedAnsweredCall } from "../support/faults.js";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

/** A call whose transcript carries `topic`, and OpenAI's analysis of it (when OpenAI answers). */
function seedCallAbout(sandbox: Sandbox, topic: string): SeededCall & { topic: string; openAiConcern: string } {
  const openAiConcern = `OpenAI read: ${topic}`;
  const seeded = seedAnsweredCall(sandbox, {
    transcript: {
      durationSeconds: 30,
      utterances: [
        { speaker: 0, start: 0.5, end: 3, text: "Thank you for calling, how can I help?" },
        { speaker: 1, start: 3.5, end: 9, text: `I am calling because ${topic} and I need a refund for it please.` },
      ],
    },
    analysis: { concern: openAiConcern, mood: "Negative", summary: `The caller is unhappy: ${topic}.` },
  });
  return { ...seeded, topic, openAiConcern };
}

function requestsAbout(sandbox: Sandbox, topic: string) {
  return sandbox.openai.analysisRequests().filter((r) => JSON.stringify(r.body).includes(topic));
}

function subjectOf(sandbox: Sandbox, sid: string): string {
  const [ticket] = sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`);
  return ticket?.subject ?? "";
}

async function expectKeywordAnalysis(scenario: Scenario, call: ReturnType<typeof seedCallAbout>, reason: string): Promise<void> {
  const { sandbox, workspace } = scenario;
  await expectTicketedOnce(sandbox, workspace, call.sid);
  expect(subjectOf(sandbox, call.sid)).toContain("Refund request");
  expect(subjectOf(sandbox, call.sid)).not.toContain(call.openAiConcern);
  const warnings = await logLines(workspace, "WARN");
  const fallback = warnings.filter((l) => l.includes(`OpenAI analysis failed for call ${call.sid}`) && l.includes("using keyword analysis"));
  expect(fallback, warnings.join("\n")).toHaveLength(1);
  expect(fallback[0]).toContain(reason);
  const info = await logLines(workspace, "INFO");
  expect(info.some((l) => l.includes(`Analysed call ${call.sid} with keyword analysis`))).toBe(true);
}

describe("OpenAI analysis", () => {
  it("out of quota (insufficient_quota) is asked once, never again, and the ticket uses the keyword analysis", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const call = seedCallAbout(sandbox, "my parcel never came");
    sandbox.openai.scriptNext({ kind: "insufficient-quota" }, { times: Infinity });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(requestsAbout(sandbox, call.topic).map((r) => r.status)).toEqual([429]);
    await expectKeywordAnalysis(scenario, call, "insufficient_quota");
  });

  it("hanging and breaking off, or answering 500, is asked again and its analysis is used", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const call = seedCallAbout(sandbox, "the router blinks red");
    sandbox.openai.hangNext({ ms: 500 });
    sandbox.openai.scriptNext({ kind: "server-error" });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(requestsAbout(sandbox, call.topic).map((r) => r.status)).toEqual([null, 500, 200]);
    await expectTicketedOnce(sandbox, workspace, call.sid);
    expect(subjectOf(sandbox, call.sid)).toContain(call.openAiConcern);
    expect((await logLines(workspace, "INFO")).some((l) => l.includes(`Analysed call ${call.sid} with OpenAI`))).toBe(true);
  });

  it("rate-limited (429 rate_limit_exceeded) is asked again after the wait it asks for, and its analysis is used", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const call = seedCallAbout(sandbox, "the app logs me out");
    sandbox.openai.scriptNext({ kind: "rate-limit", retryAfterMs: 1200 });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [limited, retried, ...more] = requestsAbout(sandbox, call.topic);
    expect(more).toHaveLength(0);
    expect([limited!.status, retried!.status]).toEqual([429, 200]);
    // The configured backoff is tens of milliseconds: only the answer's retry-after explains this wait.
    const [first, second] = sandbox.openai.service.requests.filter((r) => r.id === limited!.id || r.id === retried!.id);
    expect(gapMs(first!, second!)).toBeGreaterThanOrEqual(1190);
    await expectTicketedOnce(sandbox, workspace, call.sid);
    expect(subjectOf(sandbox, call.sid)).toContain(call.openAiConcern);
  });

  it("that keeps answering 500 falls back to keywords once the retries are spent; the call is still ticketed", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const call = seedCallAbout(sandbox, "the modem smells of smoke");
    sandbox.openai.scriptNext({ kind: "server-error" }, { times: Infinity });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(requestsAbout(sandbox, call.topic).map((r) => r.status)).toEqual([500, 500, 500, 500]);
    await expectKeywordAnalysis(scenario, call, "HTTP 500");
  });

  it("that refuses, breaks the schema, is cut off, filtered, too long or not JSON falls back to keywords without asking again", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const cases: Array<[ScriptedOutcome, string, string]> = [
      [{ kind: "refusal" }, "the courier was rude to me", "refused"],
      [{ kind: "schema-violation" }, "my order came broken", "ZodError"],
      [{ kind: "length" }, "the payment failed twice", "length limit"],
      [{ kind: "content-filter" }, "the delivery man shouted", "content filter"],
      [{ kind: "non-json-content" }, "the plan price went up", "SyntaxError"],
      [{ kind: "context-length" }, "the technician never came", "HTTP 400"],
    ];
    const calls = cases.map(([outcome, topic, reason]) => {
      sandbox.openai.scriptNext(outcome, { needle: topic });
      return { call: seedCallAbout(sandbox, topic), reason };
    });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    for (const { call, reason } of calls) {
      expect(requestsAbout(sandbox, call.topic), call.topic).toHaveLength(1);
      await expectKeywordAnalysis(scenario, call, reason);
    }
  });

  it("is never asked when OPENAI_API_KEY is not set; the keyword analysis is used and the start says so", async () => {
    scenario = await startScenario({ env: { OPENAI_API_KEY: "" } });
    const { sandbox, workspace } = scenario;
    const call = seedCallAbout(sandbox, "my refund is late");

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(sandbox.openai.service.requests).toHaveLength(0);
    await expectTicketedOnce(sandbox, workspace, call.sid);
    expect(subjectOf(sandbox, call.sid)).toContain("Refund request");
    const info = await logLines(workspace, "INFO");
    expect(info.some((l) => l.includes("analysis: keywords (no OPENAI_API_KEY)"))).toBe(true);
    expect(info.some((l) => l.includes(`Analysed call ${call.sid} with keyword analysis`))).toBe(true);
  });
});
