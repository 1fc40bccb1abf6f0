import { afterEach, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.js";
import { startScenario, type Scenario } from "../support/scenario.js";
import { expectTicketedOnce, gapMs, logLines, requestsMatching, seedAnsweredCall, ticketPosts } from "../support/faults.js";

let scenario: Scenario | null = null;
afterEach(async () => {
  await scenario?.cleanup();
  scenario = null;
});

const CREATE_TICKET = { method: "POST", path: "/api/v1/tickets" };
const SEARCH_CONTACTS = { method: "GET", path: "/api/v1/contacts/search" };

function commentPosts(sandbox: Sandbox) {
  return requestsMatching(sandbox.zoho.desk, "POST", /^\/api\/v1\/tickets\/[^/]+\/comments$/);
}

describe("Zoho Desk", () => {
  it("answering TOO_MANY_REQUESTS (no Retry-After) to a ticket create is retried after a backoff; one ticket", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.zoho.injectTooManyRequests({ match: CREATE_TICKET });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // A 429 means Zoho did not act on the request, so even a create may be sent again.
    expect(ticketPosts(sandbox).map((r) => r.responseStatus)).toEqual([429, 200]);
    expect((await logLines(workspace, "WARN")).filter((l) => /Zoho Desk: .*429.*; retrying in [\d.]+ s/.test(l))).toHaveLength(1);
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("answering THRESHOLD_EXCEEDED with a short Retry-After is asked again after that wait", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.zoho.injectThresholdExceeded({ match: SEARCH_CONTACTS, retryAfterSeconds: 1 });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [limited, retried] = requestsMatching(sandbox.zoho.desk, "GET", SEARCH_CONTACTS.path);
    expect([limited!.responseStatus, retried!.responseStatus]).toEqual([429, 204]);
    expect(gapMs(limited!, retried!)).toBeGreaterThanOrEqual(990);
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("out of daily credits (THRESHOLD_EXCEEDED, Retry-After of hours) holds every call without using attempts; --once exits 1 at once and the next run tickets them", async () => {
    // One call at a time, so that which requests reach Desk does not depend on timing.
    scenario = await startScenario({ env: { MAX_CONCURRENT_CALLS: "1" } });
    const { sandbox, workspace } = scenario;
    const calls = [seedAnsweredCall(sandbox), seedAnsweredCall(sandbox)];
    sandbox.zoho.injectThresholdExceeded({ retryAfterSeconds: 6 * 3600 });

    const blocked = await workspace.run(["--once"], {}, 30_000);
    expect(blocked.signal, "the run must end by itself, not wait hours").toBeNull();
    expect(blocked.code).toBe(1);
    const state = await workspace.readState();
    for (const { sid } of calls) expect(state.calls[sid]).toMatchObject({ status: "pending", attempts: 0 });
    const errors = (await logLines(workspace, "ERROR")).filter((l) => l.includes("THRESHOLD_EXCEEDED"));
    expect(errors).toHaveLength(1);
    // Only the request that was refused reached Desk; the other call did not knock again.
    expect(sandbox.zoho.desk.requests.map((r) => r.responseStatus)).toEqual([429]);
    expect(sandbox.zoho.tickets()).toHaveLength(0);

    const next = await workspace.run();
    expect(next.code, next.stdout + next.stderr).toBe(0);
    for (const { sid } of calls) await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("answering 500, dropping the connection or stalling and breaking off on a search is asked again in the same run", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.zoho.desk.faults.add({ match: SEARCH_CONTACTS, fault: { kind: "status", status: 500, body: { errorCode: "INTERNAL_SERVER_ERROR", message: "Internal error" } } });
    sandbox.zoho.desk.faults.add({ match: SEARCH_CONTACTS, fault: { kind: "drop" } });
    sandbox.zoho.desk.faults.add({ match: SEARCH_CONTACTS, fault: { kind: "stall", ms: 500 } });

    const run = await workspace.run();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(requestsMatching(sandbox.zoho.desk, "GET", SEARCH_CONTACTS.path).map((r) => r.responseStatus).slice(0, 4)).toEqual([500, null, null, 204]);
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("answering 500 to a ticket create is not sent again blindly; the next run looks for the ticket first and makes exactly one", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.zoho.desk.faults.add({ match: CREATE_TICKET, fault: { kind: "status", status: 500, body: { errorCode: "INTERNAL_SERVER_ERROR", message: "Internal error" } } });

    const first = await workspace.run();
    expect(first.code).toBe(1);
    expect(ticketPosts(sandbox).map((r) => r.responseStatus)).toEqual([500]);
    expect((await workspace.readState()).calls[sid]).toMatchObject({ status: "pending", step: "contact", attempts: 1 });

    const second = await workspace.run();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    const searches = requestsMatching(sandbox.zoho.desk, "GET", "/api/v1/tickets/search");
    const secondPost = ticketPosts(sandbox)[1]!;
    expect(searches.some((r) => r.query.get("_all") === sid && r.id < secondPost.id)).toBe(true);
    expect(ticketPosts(sandbox)).toHaveLength(2);
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("when Desk made the ticket but the answer was lost (dropped, or 200 with garbage), the create is not repeated: the next run finds each ticket and adds the note to it", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const calls = [seedAnsweredCall(sandbox), seedAnsweredCall(sandbox)];
    sandbox.zoho.desk.faults.add({ match: CREATE_TICKET, fault: { kind: "commit-then-drop" } });
    sandbox.zoho.desk.faults.add({ match: CREATE_TICKET, fault: { kind: "commit-then-malformed", body: "<html>Service Temporarily Unavailable</html>", contentType: "text/html" } });

    const first = await workspace.run();
    expect(first.code).toBe(1);
    expect(ticketPosts(sandbox).map((r) => r.responseStatus)).toEqual([null, 200]);
    const state = await workspace.readState();
    for (const { sid } of calls) {
      expect(sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`)).toHaveLength(1);
      expect(state.calls[sid]).toMatchObject({ status: "pending", step: "contact", attempts: 1, intent: { kind: "ticket" } });
    }

    const second = await workspace.run();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(ticketPosts(sandbox)).toHaveLength(2);
    const info = await logLines(workspace, "INFO");
    for (const { sid } of calls) {
      await expectTicketedOnce(sandbox, workspace, sid);
      expect(info.some((l) => l.includes(`already made for call ${sid}; not creating another`))).toBe(true);
    }
  });

  it("when the connection drops after Desk added the note, the next run finds the note instead of adding another", async () => {
    scenario = await startScenario();
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    sandbox.zoho.desk.faults.add({ match: { method: "POST", path: /\/comments$/ }, fault: { kind: "commit-then-drop" } });

    const first = await workspace.run();
    expect(first.code).toBe(1);
    expect(commentPosts(sandbox)).toHaveLength(1);

    const second = await workspace.run();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(commentPosts(sandbox)).toHaveLength(1);
    expect(ticketPosts(sandbox)).toHaveLength(1);
    await expectTicketedOnce(sandbox, workspace, sid);
  });

  it("refusing a ticket with 422 fails the call once per run; after MAX_CALL_ATTEMPTS runs it is failed, logged loudly and left alone until `retry`, which then gets it done", async () => {
    scenario = await startScenario({ env: { MAX_CALL_ATTEMPTS: "3" } });
    const { sandbox, workspace } = scenario;
    const { sid } = seedAnsweredCall(sandbox);
    const fixDesk = sandbox.zoho.desk.faults.add({
      match: CREATE_TICKET,
      times: Infinity,
      fault: {
        kind: "status",
        status: 422,
        headers: { "content-type": "application/json;charset=UTF-8" },
        body: { errorCode: "INVALID_DATA", message: "An invalid value has been provided for a field", errors: [{ fieldName: "/departmentId", errorType: "invalid" }] },
      },
    });

    for (let attempt = 1; attempt <= 3; attempt++) {
      const run = await workspace.run();
      expect(run.code, `run ${attempt}`).toBe(1);
      // A 422 cannot succeed by asking again: one try per run.
      expect(ticketPosts(sandbox), `run ${attempt}`).toHaveLength(attempt);
      const entry = (await workspace.readState()).calls[sid]!;
      expect(entry).toMatchObject({ status: attempt < 3 ? "pending" : "failed", attempts: attempt });
      expect(entry["lastError"]).toContain("HTTP 422 INVALID_DATA");
    }
    const errors = (await logLines(workspace, "ERROR")).filter((l) => l.includes(sid));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`Call ${sid} FAILED after 3 attempts`);
    expect(errors[0]).toContain("HTTP 422");
    expect(errors[0]).toContain("npm run retry");

    // A failed call is left alone by later runs.
    const idle = await workspace.run();
    expect(idle.code).toBe(0);
    expect(ticketPosts(sandbox)).toHaveLength(3);

    const retry = await workspace.run(["retry"]);
    expect(retry.code, retry.stdout + retry.stderr).toBe(0);
    expect((await workspace.readState()).calls[sid]).toMatchObject({ status: "pending", attempts: 0 });

    fixDesk();
    const fixed = await workspace.run();
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expect(ticketPosts(sandbox)).toHaveLength(4);
    await expectTicketedOnce(sandbox, workspace, sid);
  });
});
