import { afterEach, describe, expect, it } from "vitest";
import { startScenario, type Scenario } from "../support/scenario.js";

/** Design §4–§6: who was on the call, which calls become tickets, and what the ticket says. */

const PRATEEK = "09631084471";
const ANANYA = "09845012345";
const CUSTOMER = "09876543210";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe("which calls become tickets", () => {
  it("skips a call with no known agent, logging it once across polls", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = sandbox.seedCall({ customer: CUSTOMER, agent: "09000000001" });

    expect((await workspace.run()).code).toBe(0);
    expect((await workspace.run()).code).toBe(0);

    expect(sandbox.zoho.tickets()).toHaveLength(0);
    expect(sandbox.deepgram.service.requests).toHaveLength(0);
    expect((await workspace.readState()).calls[sid]).toMatchObject({ status: "skipped", reason: "no agent detected" });
    const log = await workspace.readLog();
    expect(log.split(`No agent detected for call ${sid}`).length - 1).toBe(1);
  });

  it("gives a call with no known agent to default_agent when fallback_to_default is on", async () => {
    scenario = await startScenario({
      agents: { agents: {}, default_agent: { name: "Support", department: "Helpdesk" }, settings: { fallback_to_default: true } },
    });
    const { sandbox, workspace } = scenario;
    const { sid } = sandbox.seedCall({ customer: CUSTOMER, agent: "09000000001" });
    expect((await workspace.run()).code).toBe(0);
    const [ticket] = sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`);
    expect(ticket?.description).toContain("Agent: Support (Helpdesk)");
    expect(ticket?.description).toContain("Customer number: +919876543210");
  });

  it("treats an agent on From as an outgoing call to the customer on To", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = sandbox.seedCall({ direction: "outbound", customer: CUSTOMER, agent: ANANYA });
    expect((await workspace.run()).code).toBe(0);
    const [ticket] = sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`);
    expect(ticket?.subject).toMatch(/^Call from \+919876543210 - /);
    expect(ticket?.description).toContain("Direction: Outgoing");
    expect(ticket?.description).toContain("Agent: Ananya (Billing)");
  });

  it("skips unanswered calls unless MISSED_CALL_TICKETS is on, which makes a Missed call ticket without a note", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK, status: "no-answer", recording: null });
    expect((await workspace.run()).code).toBe(0);
    expect(sandbox.zoho.tickets()).toHaveLength(0);
    expect((await workspace.readState()).calls[sid]).toMatchObject({ status: "skipped" });

    const again = await startScenario({ env: { MISSED_CALL_TICKETS: "true" } });
    try {
      const missed = again.sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK, status: "busy", recording: null });
      expect((await again.workspace.run()).code).toBe(0);
      const [ticket, ...more] = again.sandbox.zoho.tickets();
      expect(more).toHaveLength(0);
      expect(ticket?.subject).toBe("Missed call from +919876543210");
      expect(ticket?.description).toContain(`Call ID: ${missed.sid}`);
      expect(again.sandbox.zoho.comments(ticket!.id)).toHaveLength(0);
      expect(again.sandbox.deepgram.service.requests).toHaveLength(0);
    } finally {
      await again.cleanup();
    }
  });

  it("waits for a recording that has not appeared, then tickets the call without one after RECORDING_WAIT_MINUTES", async () => {
    scenario = await startScenario({ env: { RECORDING_WAIT_MINUTES: "30" } });
    const { sandbox, workspace } = scenario;
    // Settles an hour from now: until then Exotel reports no recording.
    const waiting = sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK, startedAt: minutesAgo(5), settleDelayMs: 3_600_000 });
    expect((await workspace.run()).code).toBe(0);
    expect(sandbox.zoho.tickets()).toHaveLength(0);
    expect((await workspace.readState()).calls[waiting.sid]).toMatchObject({ status: "pending", step: "discovered", reason: "waiting for the recording" });

    const late = await startScenario({ env: { RECORDING_WAIT_MINUTES: "30" } });
    try {
      const { sid } = late.sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK, startedAt: minutesAgo(60), durationSeconds: 60, recording: null });
      expect((await late.workspace.run()).code).toBe(0);
      const [ticket] = late.sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`);
      expect(ticket?.description).toContain("Recording: Not available");
      expect(ticket?.subject).toBe("Call from +919876543210 - Recording not available");
      const [note, ...more] = late.sandbox.zoho.comments(ticket!.id);
      expect(more).toHaveLength(0);
      expect(note?.content).toContain("There is no transcript: no recording was available for this call.");
    } finally {
      await late.cleanup();
    }
  });

  it("tickets a call longer than RECORDING_WAIT_MINUTES that Exotel lists before filling in its end and its agent", async () => {
    scenario = await startScenario({ env: { RECORDING_WAIT_MINUTES: "30" } });
    const { sandbox, workspace } = scenario;
    // Ended half a minute ago after 30½ minutes; Exotel settles it an hour from now unless told sooner.
    const { sid } = sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK, startedAt: minutesAgo(31), durationSeconds: 30 * 60 + 30, settleDelayMs: 3_600_000 });
    expect((await workspace.run()).code).toBe(0);
    expect(sandbox.zoho.tickets()).toHaveLength(0);
    expect((await workspace.readState()).calls[sid]).toMatchObject({ status: "pending", reason: "waiting for the recording" });

    sandbox.exotel.settle(sid);
    expect((await workspace.run()).code).toBe(0);
    const [ticket, ...more] = sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`);
    expect(more).toHaveLength(0);
    expect(ticket?.description).toContain("Agent: Prateek");
  });

  it("reuses the caller's existing Desk contact whatever spelling of the number it was saved with", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const existing = sandbox.zoho.seedContact({ lastName: "Meera Iyer", phone: "09876543210" });
    sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK });
    expect((await workspace.run()).code).toBe(0);
    expect(sandbox.zoho.contacts()).toHaveLength(1);
    expect(sandbox.zoho.tickets()[0]?.contactId).toBe(existing.id);
    expect(sandbox.zoho.desk.requests.filter((r) => r.method === "POST" && r.path === "/api/v1/contacts")).toHaveLength(0);
  });

  it("creates one contact for two calls from the same new caller in one poll", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK, startedAt: minutesAgo(20) });
    sandbox.seedCall({ customer: "+91 98765 43210", agent: ANANYA, startedAt: minutesAgo(15) });
    expect((await workspace.run()).code).toBe(0);
    expect(sandbox.zoho.tickets()).toHaveLength(2);
    expect(sandbox.zoho.contacts()).toHaveLength(1);
  });

  it("with ZOHO_DESK_AUTO_CREATE_CONTACT=false tickets known callers and skips unknown ones, creating no contact", async () => {
    scenario = await startScenario({ env: { ZOHO_DESK_AUTO_CREATE_CONTACT: "false" } });
    const { sandbox, workspace } = scenario;
    const known = sandbox.zoho.seedContact({ lastName: "Meera Iyer", mobile: "+919876543210" });
    const fromKnown = sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK, startedAt: minutesAgo(20) });
    const fromStranger = sandbox.seedCall({ customer: "09123456789", agent: ANANYA, startedAt: minutesAgo(15) });

    expect((await workspace.run()).code).toBe(0);
    expect((await workspace.run()).code).toBe(0);

    expect(sandbox.zoho.contacts()).toEqual([known]);
    expect(sandbox.zoho.tickets()).toHaveLength(1);
    expect(sandbox.zoho.ticketsMentioning(`Call ID: ${fromKnown.sid}`)[0]?.contactId).toBe(known.id);
    const state = await workspace.readState();
    expect(state.calls[fromKnown.sid]).toMatchObject({ status: "done" });
    expect(state.calls[fromStranger.sid]).toMatchObject({ status: "skipped" });
    expect(state.calls[fromStranger.sid]?.reason).toContain("ZOHO_DESK_AUTO_CREATE_CONTACT");
  });

  it("assigns the ticket to the agent's Desk login and routes it to the agent's department", async () => {
    scenario = await startScenario({
      agents: { agents: { [PRATEEK]: { name: "Prateek", department: "Sales", zohoAgentEmail: "prateek@acme.test", zohoDepartmentId: "1892000000082069" } } },
    });
    const { sandbox, workspace } = scenario;
    sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK });
    expect((await workspace.run()).code).toBe(0);
    expect(sandbox.zoho.tickets()[0]).toMatchObject({ assigneeId: "1892000000042017", departmentId: "1892000000082069" });
  });

  it("makes a dry run with ZOHO_DESK_ENABLED=false, then tickets the same calls once switched on", async () => {
    scenario = await startScenario({ env: { ZOHO_DESK_ENABLED: "false" } });
    const { sandbox, workspace, env } = scenario;
    const { sid } = sandbox.seedCall({ customer: CUSTOMER, agent: PRATEEK });
    expect((await workspace.run()).code).toBe(0);
    expect(sandbox.zoho.desk.requests).toHaveLength(0);
    expect(sandbox.zoho.accounts.requests).toHaveLength(0);
    expect(await workspace.readLog()).toMatch(
      new RegExp(`Dry run \\(ZOHO_DESK_ENABLED=false\\): would create ticket "Call from \\+919876543210 - .+" for call ${sid}: contact \\+919876543210, agent Prateek, priority Medium, department \\d+, with a private note of \\d+ characters`),
    );
    expect((await workspace.readState()).calls[sid]).toMatchObject({ status: "pending", step: "analysis" });

    await workspace.writeEnv({ ...env, ZOHO_DESK_ENABLED: "true" });
    expect((await workspace.run()).code).toBe(0);
    expect(sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`)).toHaveLength(1);
    expect(sandbox.deepgram.service.requests).toHaveLength(1);
  });

  it("follows every page of the call list", async () => {
    scenario = await startScenario({ env: { OPENAI_API_KEY: "", MAX_CONCURRENT_CALLS: "8" } });
    const { sandbox, workspace } = scenario;
    const sids = Array.from({ length: 130 }, (_, i) =>
      sandbox.seedCall({ customer: `098765${String(10000 + i).slice(1)}`, agent: PRATEEK, startedAt: minutesAgo(200 - i), recording: { syntheticBytes: 2048 } }).sid,
    );
    const run = await workspace.run();
    expect(run.code, run.stdout).toBe(0);
    expect(sandbox.zoho.tickets()).toHaveLength(130);
    const pages = sandbox.exotel.service.requests.filter((r) => r.path.endsWith("/Calls.json"));
    expect(pages).toHaveLength(2);
    expect(pages[1]!.query.get("After")).toBeTruthy();
    const state = await workspace.readState();
    expect(sids.every((sid) => state.calls[sid]?.status === "done")).toBe(true);
    expect(sandbox.openai.service.requests).toHaveLength(0);
  });
});
