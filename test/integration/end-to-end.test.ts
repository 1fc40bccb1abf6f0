import { promises as fs } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { SAMPLE_CALLS } from "../../src/sandbox/samples/manifest.js";
import { startScenario, type Scenario } from "../support/scenario.js";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

function header(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

describe("one poll against the sandbox", () => {
  it("turns every answered call into one ticket with its private transcript note", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const seeded = sandbox.seedSampleCalls();

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);

    const tickets = sandbox.zoho.tickets();
    expect(tickets).toHaveLength(SAMPLE_CALLS.length);
    for (const [index, sample] of SAMPLE_CALLS.entries()) {
      const sid = seeded[index]!.sid;
      const [ticket, ...more] = sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`);
      expect(more).toHaveLength(0);
      const customer = `+91${sample.customerNumber.slice(1)}`;
      expect(ticket).toMatchObject({
        subject: `Call from ${customer} - ${sample.expectedAnalysis.concern}`,
        channel: "Phone",
        status: "Open",
        priority: "Medium",
        departmentId: scenario.env.ZOHO_DESK_DEPARTMENT_ID,
        phone: customer,
      });
      expect(ticket!.description).toContain(`Customer number: ${customer}`);
      expect(ticket!.description).toContain(`Mood: ${sample.expectedAnalysis.mood}`);
      expect(ticket!.description).toMatch(/Duration: \d+s|Duration: \dm \d+s/);
      expect(ticket!.description).toContain("Call time: ");
      const contact = sandbox.zoho.contacts().find((c) => c.id === ticket!.contactId);
      expect(contact?.phone).toBe(customer);

      const comments = sandbox.zoho.comments(ticket!.id);
      expect(comments).toHaveLength(1);
      expect(comments[0]).toMatchObject({ isPublic: false, contentType: "plainText" });
      expect(comments[0]!.content).toContain(`Call ID: ${sid}`);
      if (sample.utterances.length > 0) expect(comments[0]!.content).toContain(sample.utterances[1]!.text);
      else expect(comments[0]!.content).toContain("No speech was detected");
    }

    const state = await workspace.readState();
    expect(state.version).toBe(2);
    for (const { sid } of seeded) expect(state.calls[sid]).toMatchObject({ status: "done", step: "done" });

    const log = await workspace.readLog();
    for (const ticket of tickets) {
      expect(log).toContain(`✓ Created Zoho Desk ticket #${ticket.ticketNumber} (ID: ${ticket.id}) for call `);
      expect(log).toContain(`✓ Added transcription note to ticket #${ticket.ticketNumber}`);
    }
    // Recordings are removed once their call is done.
    expect(await fs.readdir(workspace.recordingsDir)).toEqual([]);
  });

  it("authenticates to every service the way each documents", async () => {
    scenario = await startScenario();
    const { sandbox, workspace, env } = scenario;
    sandbox.seedSampleCalls();
    expect((await workspace.run()).code).toBe(0);

    const basic = `Basic ${Buffer.from(`${env.EXOTEL_API_KEY}:${env.EXOTEL_API_TOKEN}`).toString("base64")}`;
    for (const r of sandbox.exotel.service.requests) expect(header(r.headers.authorization)).toBe(basic);
    for (const r of sandbox.deepgram.service.requests) expect(header(r.headers.authorization)).toBe(`Token ${env.DEEPGRAM_API_KEY}`);
    for (const r of sandbox.openai.service.requests) expect(header(r.headers.authorization)).toBe(`Bearer ${env.OPENAI_API_KEY}`);
    const desk = sandbox.zoho.desk.requests;
    expect(desk.length).toBeGreaterThan(0);
    for (const r of desk) {
      expect(header(r.headers.authorization)).toMatch(/^Zoho-oauthtoken 1000\./);
      expect(header(r.headers.orgid)).toBe(env.ZOHO_DESK_ORG_ID);
    }
    const tokenRequests = sandbox.zoho.accounts.requests.filter((r) => r.path === "/oauth/v2/token");
    expect(tokenRequests).toHaveLength(1);
    expect(new URLSearchParams(tokenRequests[0]!.body.toString()).get("grant_type")).toBe("refresh_token");
  });

  it("creates nothing new when run again", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    sandbox.seedSampleCalls();
    expect((await workspace.run()).code).toBe(0);
    const ticketsAfterFirst = sandbox.zoho.tickets().length;
    const postsBefore = sandbox.zoho.desk.requests.filter((r) => r.method === "POST").length;

    const second = await workspace.run();
    expect(second.code).toBe(0);
    expect(sandbox.zoho.tickets()).toHaveLength(ticketsAfterFirst);
    expect(sandbox.zoho.desk.requests.filter((r) => r.method === "POST").length).toBe(postsBefore);
    expect(sandbox.deepgram.service.requests).toHaveLength(SAMPLE_CALLS.length);
  });

  it("writes the refreshed access token back to .env, changing only that line", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const original = `# my settings\n${await fs.readFile(workspace.envFile, "utf8")}ZOHO_DESK_ACCESS_TOKEN=stale-token # refreshed by the program\n`;
    await fs.writeFile(workspace.envFile, original);
    sandbox.seedSampleCalls();
    expect((await workspace.run()).code).toBe(0);

    const updated = await fs.readFile(workspace.envFile, "utf8");
    const live = sandbox.zoho.liveAccessTokens();
    expect(live).toHaveLength(1);
    expect(updated).toBe(original.replace("ZOHO_DESK_ACCESS_TOKEN=stale-token", `ZOHO_DESK_ACCESS_TOKEN=${live[0]}`));
  });

  it("never writes a secret to the log or the console", async () => {
    scenario = await startScenario({ env: { LOG_LEVEL: "trace" } });
    const { sandbox, workspace, env } = scenario;
    sandbox.seedSampleCalls();
    const run = await workspace.run();
    expect(run.code).toBe(0);
    const everything = `${await workspace.readLog()}\n${run.stdout}\n${run.stderr}`;
    const secrets = [env.EXOTEL_API_KEY, env.EXOTEL_API_TOKEN, env.DEEPGRAM_API_KEY, env.OPENAI_API_KEY, env.ZOHO_DESK_CLIENT_SECRET, env.ZOHO_DESK_REFRESH_TOKEN, ...sandbox.zoho.liveAccessTokens()];
    for (const secret of secrets) expect(everything).not.toContain(secret!);
  });
});
