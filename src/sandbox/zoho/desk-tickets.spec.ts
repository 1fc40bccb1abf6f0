import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeskTestClient, FrozenClock } from "./desk-test-client.js";
import { createZohoEmulators, type DeskContact, type ZohoEmulators } from "./index.js";

const START = Date.UTC(2026, 2, 1, 9, 15, 2, 345);
const CUSTOMER_SUPPORT = "1892000000006907";

describe("Zoho Desk emulator: tickets", () => {
  let clock: FrozenClock;
  let zoho: ZohoEmulators;
  let desk: DeskTestClient;
  let caller: DeskContact;

  beforeEach(async () => {
    clock = new FrozenClock(START);
    zoho = createZohoEmulators({ now: clock.now });
    await zoho.start();
    desk = new DeskTestClient(zoho);
    caller = zoho.seedContact({ lastName: "+49 30 1234567", phone: "+49301234567" });
  });
  afterEach(() => zoho.stop());

  function callTicket(sid: string, overrides: Record<string, unknown> = {}) {
    return {
      subject: `Call from +49 30 1234567 - Router keeps rebooting`,
      description: `Customer: +49 30 1234567\nAgent: Prateek\nMood: Negative\nCall ID: ${sid}`,
      departmentId: CUSTOMER_SUPPORT,
      contactId: caller.id,
      phone: "+49 30 1234567",
      channel: "Phone",
      status: "Open",
      priority: "Medium",
      ...overrides,
    };
  }

  describe("POST /tickets", () => {
    it("answers 200 with the whole ticket: string ids, ticketNumber counting up, webUrl, statusType", async () => {
      const first = await desk.post("/tickets", callTicket("CA1001"));
      expect(first.status).toBe(200);
      expect(first.json).toMatchObject({
        ticketNumber: "101",
        subject: "Call from +49 30 1234567 - Router keeps rebooting",
        description: "Customer: +49 30 1234567\nAgent: Prateek\nMood: Negative\nCall ID: CA1001",
        status: "Open",
        statusType: "Open",
        channel: "Phone",
        departmentId: CUSTOMER_SUPPORT,
        contactId: caller.id,
        phone: "+49 30 1234567",
        priority: "Medium",
        assigneeId: null,
        commentCount: "0",
        isSpam: false,
        createdTime: "2026-03-01T09:15:02.000Z",
        modifiedTime: "2026-03-01T09:15:02.000Z",
        cf: {},
      });
      expect(first.json.id).toMatch(/^\d{16,19}$/);
      expect(first.json.webUrl).toBe(`https://desk.zoho.com/support/acme/ShowHomePage.do#Cases/dv/${first.json.id}`);
      const second = await desk.post("/tickets", callTicket("CA1002", { status: "On Hold", assigneeId: "1892000000042017" }));
      expect(second.json.ticketNumber).toBe("102");
      expect(second.json.statusType).toBe("On Hold");
      expect(second.json.assigneeId).toBe("1892000000042017");
      expect(second.json.id).not.toBe(first.json.id);
      expect(zoho.tickets().map((t) => t.ticketNumber)).toEqual(["101", "102"]);
    });

    it("defaults status to Open and takes email and phone from the contact", async () => {
      const mailer = zoho.seedContact({ lastName: "Muster", email: "jana@example.com", mobile: "+4917012345" });
      const { json } = await desk.post("/tickets", { subject: "Question", departmentId: CUSTOMER_SUPPORT, contactId: mailer.id });
      expect(json).toMatchObject({ status: "Open", statusType: "Open", email: "jana@example.com", phone: "+4917012345" });
    });

    it("creates the contact from a contact object, or reuses one with the same email", async () => {
      const created = await desk.post("/tickets", { subject: "Hello", departmentId: CUSTOMER_SUPPORT, contact: { lastName: "Rao", email: "ravi@example.in" } });
      expect(created.status).toBe(200);
      const contact = zoho.contacts().find((c) => c.email === "ravi@example.in");
      expect(contact?.lastName).toBe("Rao");
      expect(created.json.contactId).toBe(contact?.id);
      const again = await desk.post("/tickets", { subject: "Hello again", departmentId: CUSTOMER_SUPPORT, contact: { email: "RAVI@example.in" } });
      expect(again.json.contactId).toBe(contact?.id);
      expect(zoho.contacts()).toHaveLength(2);
    });

    it.each([
      ["no subject", { subject: undefined }, [{ fieldName: "/subject", errorType: "missing" }]],
      ["an empty subject", { subject: "" }, [{ fieldName: "/subject", errorType: "missing" }]],
      ["a subject over 255 characters", { subject: "x".repeat(256) }, [{ fieldName: "/subject", errorType: "invalid", errorMessage: "subject can have at most 255 characters" }]],
      ["no departmentId", { departmentId: undefined }, [{ fieldName: "/departmentId", errorType: "missing" }]],
      ["an unknown departmentId", { departmentId: "1892000000000001" }, [{ fieldName: "/departmentId", errorType: "invalid", errorMessage: "No enabled department has this id" }]],
      ["neither contactId nor contact", { contactId: undefined }, [{ fieldName: "/contactId", errorType: "missing" }]],
      ["an unknown contactId", { contactId: "1892000000999999" }, [{ fieldName: "/contactId", errorType: "invalid", errorMessage: "No contact has this id" }]],
      ["a contact without lastName or email", { contactId: undefined, contact: { firstName: "Jana" } }, [{ fieldName: "/contact/lastName", errorType: "missing" }]],
      ["a priority outside the picklist", { priority: "Urgent" }, [{ fieldName: "/priority", errorType: "invalid", errorMessage: "priority must be one of: Low, Medium, High" }]],
      ["an unknown status", { status: "New" }, [{ fieldName: "/status", errorType: "invalid", errorMessage: "status must be one of: Open, On Hold, Escalated, Closed" }]],
      ["an unknown assignee", { assigneeId: "1892000000000002" }, [{ fieldName: "/assigneeId", errorType: "invalid", errorMessage: "No active agent has this id" }]],
      ["an unknown field", { callSid: "CA1" }, [{ fieldName: "/callSid", errorType: "invalid", errorMessage: "callSid is not a field of this record" }]],
      [
        "several problems at once",
        { subject: undefined, departmentId: undefined },
        [
          { fieldName: "/subject", errorType: "missing" },
          { fieldName: "/departmentId", errorType: "missing" },
        ],
      ],
    ])("answers %s with 422 INVALID_DATA naming the field", async (_case, change, errors) => {
      const { status, json } = await desk.post("/tickets", callTicket("CA1", change));
      expect(status).toBe(422);
      expect(json).toEqual({ errorCode: "INVALID_DATA", message: "An invalid value was found for a field, or a required field is missing.", errors });
      expect(zoho.tickets()).toEqual([]);
    });

    it("rejects an empty body, broken JSON and another content type", async () => {
      expect((await desk.post("/tickets", {})).json.errorCode).toBe("EMPTY_PAYLOAD");
      expect((await desk.post("/tickets", "{oops")).status).toBe(400);
      const form = await desk.post("/tickets", "subject=x", { headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      expect(form.status).toBe(415);
      expect(form.json.errorCode).toBe("UNSUPPORTED_MEDIA_TYPE");
    });
  });

  describe("GET /tickets/{id}", () => {
    it("answers the ticket with its description, or 404 for an unknown id", async () => {
      const created = await desk.post("/tickets", callTicket("CA2001"));
      const { status, json } = await desk.get(`/tickets/${created.json.id}`);
      expect(status).toBe(200);
      expect(json).toEqual(created.json);
      const missing = await desk.get("/tickets/1892000000999999");
      expect(missing.status).toBe(404);
      expect(missing.json.errorCode).toBe("URL_NOT_FOUND");
    });
  });

  describe("GET /tickets/search", () => {
    async function seedTickets(): Promise<void> {
      await desk.post("/tickets", callTicket("CAa1b2c3d4e5f6"));
      clock.advance(60_000);
      await desk.post("/tickets", callTicket("CAffff0000", { phone: "+919631084471", subject: "Call from +91 96310 84471 - Refund" }));
      clock.advance(60_000);
      await desk.post("/tickets", { ...callTicket("CAzzz999"), priority: "High" });
    }

    it("finds a ticket by a call SID in its description with _all, ignoring case; lists leave the description out", async () => {
      await seedTickets();
      const { status, json } = await desk.get("/tickets/search", { query: { _all: "caffff0000" } });
      expect(status).toBe(200);
      expect(json.count).toBe(1);
      expect(json.data).toHaveLength(1);
      expect(json.data[0]).toMatchObject({ ticketNumber: "102", subject: "Call from +91 96310 84471 - Refund" });
      expect(json.data[0]).not.toHaveProperty("description");
      expect(zoho.ticketsMentioning("Call ID: CAffff0000").map((t) => t.ticketNumber)).toEqual(["102"]);
    });

    it("answers 204 with an empty body when nothing matches", async () => {
      await seedTickets();
      const { status, text, headers } = await desk.get("/tickets/search", { query: { _all: "CA-not-there" } });
      expect(status).toBe(204);
      expect(text).toBe("");
      expect(headers.get("x-rate-limit-request-weight-v3")).toBe("3");
    });

    it("filters by contactId and createdTimeRange, newest first", async () => {
      await seedTickets();
      const range = `${new Date(START + 30_000).toISOString()},${new Date(START + 10 * 60_000).toISOString()}`;
      const { json } = await desk.get("/tickets/search", { query: { contactId: caller.id, createdTimeRange: range } });
      expect(json.data.map((t: { ticketNumber: string }) => t.ticketNumber)).toEqual(["103", "102"]);
      expect(json.count).toBe(2);
    });

    it("matches phone exactly, by comma alternatives and by wildcards", async () => {
      await seedTickets();
      const numbers = async (phone: string) => ((await desk.get("/tickets/search", { query: { phone } })).json?.data ?? []).map((t: { ticketNumber: string }) => t.ticketNumber);
      expect(await numbers("+919631084471")).toEqual(["102"]);
      expect(await numbers("9631084471")).toEqual([]);
      expect(await numbers("09631084471,+919631084471")).toEqual(["102"]);
      expect(await numbers("*9631084471")).toEqual(["102"]);
      expect(await numbers("+49 30*")).toEqual(["103", "101"]);
    });

    it("matches custom fields with customFieldN=cf_name:value", async () => {
      await desk.post("/tickets", callTicket("CA3001", { cf: { cf_call_id: "CA3001" } }));
      await desk.post("/tickets", callTicket("CA3002", { cf: { cf_call_id: "CA3002" } }));
      const { json } = await desk.get("/tickets/search", { query: { customField1: "cf_call_id:CA3002" } });
      expect(json.data.map((t: { cf: unknown }) => t.cf)).toEqual([{ cf_call_id: "CA3002" }]);
    });

    it("pages with from and limit, counting every match", async () => {
      await seedTickets();
      const page = await desk.get("/tickets/search", { query: { departmentId: CUSTOMER_SUPPORT, sortBy: "createdTime", from: "1", limit: "1" } });
      expect(page.json.data.map((t: { ticketNumber: string }) => t.ticketNumber)).toEqual(["102"]);
      expect(page.json.count).toBe(3);
      expect((await desk.get("/tickets/search", { query: { departmentId: CUSTOMER_SUPPORT, from: "3" } })).status).toBe(204);
    });

    it.each([
      ["limit 0", { subject: "Call*", limit: "0" }],
      ["limit 101", { subject: "Call*", limit: "101" }],
      ["a short _all", { _all: "CA" }],
      ["an unknown parameter", { callId: "CA1" }],
      ["a malformed time range", { createdTimeRange: "yesterday,today" }],
      ["an unknown sortBy", { subject: "Call*", sortBy: "priority" }],
    ])("answers %s with 422 UNPROCESSABLE_ENTITY", async (_case, query) => {
      const { status, json } = await desk.get("/tickets/search", { query });
      expect(status).toBe(422);
      expect(json.errorCode).toBe("UNPROCESSABLE_ENTITY");
      expect(typeof json.message).toBe("string");
    });

    it("hides new tickets from search while the index lags, but not from GET", async () => {
      zoho.setSearchIndexLag(5_000);
      const created = await desk.post("/tickets", callTicket("CAlag1"));
      expect((await desk.get("/tickets/search", { query: { _all: "CAlag1" } })).status).toBe(204);
      expect((await desk.get(`/tickets/${created.json.id}`)).status).toBe(200);
      clock.advance(4_999);
      expect((await desk.get("/tickets/search", { query: { _all: "CAlag1" } })).status).toBe(204);
      clock.advance(1);
      expect((await desk.get("/tickets/search", { query: { _all: "CAlag1" } })).json.count).toBe(1);
    });
  });

  it("lists tickets newest first, 204 when there are none", async () => {
    expect((await desk.get("/tickets")).status).toBe(204);
    await desk.post("/tickets", callTicket("CA4001"));
    await desk.post("/tickets", callTicket("CA4002"));
    const { json } = await desk.get("/tickets", { query: { limit: "1" } });
    expect(json).not.toHaveProperty("count");
    expect(json.data.map((t: { ticketNumber: string }) => t.ticketNumber)).toEqual(["102"]);
  });
});
