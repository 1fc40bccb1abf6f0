import { afterEach, describe, expect, it } from "vitest";
import { startScenario, type Scenario } from "../support/scenario.js";

const PRATEEK = "09631084471";
const CUSTOMER = "09876543210";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

describe("answered calls whose recording cannot become a transcript", () => {
  it("tickets a call whose recording Deepgram cannot read, saying why there is no transcript", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK });
    sandbox.deepgram.failNext(400, { message: "Bad Request: failed to process audio: corrupt or unsupported data" });
    const run = await workspace.run();
    expect(run.code, run.stdout).toBe(0);
    const [ticket] = sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`);
    expect(ticket?.subject).toBe("Call from +919876543210 - Transcript not available");
    expect(ticket?.description).toContain("Transcript: Not available (the recording could not be transcribed (Deepgram answered HTTP 400))");
    expect(sandbox.zoho.comments(ticket!.id)[0]?.content).toContain("There is no transcript: the recording could not be transcribed");
    expect(sandbox.deepgram.service.requests).toHaveLength(1);
  });

  it("tickets a call whose recording Exotel no longer has", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK });
    sandbox.exotel.service.faults.failNext(404, { match: { path: /^\/exotelrecordings\// }, body: { RestException: { Status: 404, Message: "Not Found" } } });
    expect((await workspace.run()).code).toBe(0);
    const [ticket] = sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`);
    expect(ticket?.description).toContain("Transcript: Not available (the recording could not be downloaded (Exotel answered HTTP 404))");
    expect(sandbox.deepgram.service.requests).toHaveLength(0);
  });

  it("holds calls without using up their attempts while Deepgram rejects the key, then transcribes them", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK });
    sandbox.deepgram.failNext(401, { times: 2 });
    const first = await workspace.run();
    expect(first.code).toBe(1);
    expect(await workspace.readLog()).toContain("Deepgram rejected DEEPGRAM_API_KEY (HTTP 401)");
    expect((await workspace.readState()).calls[sid]).toMatchObject({ status: "pending", attempts: 0 });
    expect(sandbox.zoho.tickets()).toHaveLength(0);

    const second = await workspace.run();
    expect(second.code).toBe(1);
    const third = await workspace.run();
    expect(third.code).toBe(0);
    const [ticket] = sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`);
    expect(sandbox.zoho.comments(ticket!.id)[0]?.content).toContain("Speaker 2: Hi, I have a question about my account.");
  });

  it("asks a reasoning model without a temperature it would refuse", async () => {
    scenario = await startScenario({ env: { OPENAI_MODEL: "gpt-5-mini" } });
    const { sandbox, workspace } = scenario;
    sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK, analysis: { concern: "Account question", mood: "Neutral", summary: "Asked about the account." } });
    expect((await workspace.run()).code).toBe(0);
    const [request] = sandbox.openai.analysisRequests();
    expect(request?.model).toBe("gpt-5-mini");
    expect(request?.status).toBe(200);
    expect((request?.body as Record<string, unknown>).temperature).toBeUndefined();
    expect(sandbox.zoho.tickets()[0]?.subject).toBe("Call from +919876543210 - Account question");
  });
});
