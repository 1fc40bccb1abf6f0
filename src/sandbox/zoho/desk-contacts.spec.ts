import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeskTestClient, FrozenClock } from "./desk-test-client.js";
import { createZohoEmulators, type ZohoEmulators } from "./index.js";

describe("Zoho Desk emulator: contacts", () => {
  let clock: FrozenClock;
  let zoho: ZohoEmulators;
  let desk: DeskTestClient;

  beforeEach(async () => {
    clock = new FrozenClock(Date.UTC(2025, 10, 2, 10, 0, 0));
    zoho = createZohoEmulators({ now: clock.now });
    await zoho.start();
    desk = new DeskTestClient(zoho);
  });
  afterEach(() => zoho.stop());

  const caller = { lastName: "+91 96310 84471", phone: "+919631084471", description: "Created from a phone call" };

  describe("POST /contacts", () => {
    it("answers 200 with the contact", async () => {
      const { status, json } = await desk.post("/contacts", caller);
      expect(status).toBe(200);
      expect(json).toMatchObject({
        lastName: "+91 96310 84471",
        firstName: null,
        email: null,
        phone: "+919631084471",
        mobile: null,
        description: "Created from a phone call",
        createdTime: "2025-11-02T10:00:00.000Z",
        isSpam: false,
      });
      expect(json.id).toMatch(/^\d{16,19}$/);
      expect(json.webUrl).toBe(`https://desk.zoho.com/support/acme/ShowHomePage.do#Contacts/dv/${json.id}`);
      expect(await desk.get(`/contacts/${json.id}`)).toMatchObject({ status: 200, json });
    });

    it("requires lastName", async () => {
      const { status, json } = await desk.post("/contacts", { phone: "+919631084471" });
      expect(status).toBe(422);
      expect(json).toEqual({
        errorCode: "INVALID_DATA",
        message: "An invalid value was found for a field, or a required field is missing.",
        errors: [{ fieldName: "/lastName", errorType: "missing" }],
      });
    });

    it("does not de-duplicate by phone", async () => {
      const first = await desk.post("/contacts", caller);
      const second = await desk.post("/contacts", caller);
      expect(second.status).toBe(200);
      expect(second.json.id).not.toBe(first.json.id);
      expect(zoho.contacts()).toHaveLength(2);
    });

    it("answers 404 for an unknown contact", async () => {
      expect((await desk.get("/contacts/1892000000999999")).json.errorCode).toBe("URL_NOT_FOUND");
    });
  });

  describe("GET /contacts/search", () => {
    async function ids(query: Record<string, string>): Promise<string[]> {
      const response = await desk.get("/contacts/search", { query });
      if (response.status === 204) {
        expect(response.text).toBe("");
        return [];
      }
      expect(response.json.count).toBe(response.json.data.length);
      return response.json.data.map((c: { id: string }) => c.id);
    }

    it("matches phone and mobile on the stored string: exact, comma = or, leading and trailing *", async () => {
      const ravi = zoho.seedContact({ lastName: "Ravi", phone: "+919631084471" });
      const asha = zoho.seedContact({ lastName: "Asha", mobile: "09876543210" });
      expect(await ids({ phone: "+919631084471" })).toEqual([ravi.id]);
      expect(await ids({ phone: "919631084471" })).toEqual([]);
      expect(await ids({ phone: "9631084471,+919631084471,09631084471" })).toEqual([ravi.id]);
      expect(await ids({ phone: "*9631084471" })).toEqual([ravi.id]);
      expect(await ids({ phone: "+9196*" })).toEqual([ravi.id]);
      expect(await ids({ mobile: "*9876543210" })).toEqual([asha.id]);
      expect(await ids({ phone: "*9876543210" })).toEqual([]);
    });

    it("answers 204 with no body when nothing matches", async () => {
      const response = await desk.get("/contacts/search", { query: { phone: "+10000000000", limit: "5" } });
      expect(response.status).toBe(204);
      expect(response.text).toBe("");
    });

    it("searches other fields, newest first, and pages", async () => {
      const older = zoho.seedContact({ lastName: "Muster", firstName: "Jana", email: "jana@example.com" });
      const newer = zoho.seedContact({ lastName: "Muster", firstName: "Jonas" });
      expect(await ids({ lastName: "muster" })).toEqual([newer.id, older.id]);
      expect(await ids({ fullName: "Jana Muster" })).toEqual([older.id]);
      expect(await ids({ email: "JANA@example.com" })).toEqual([older.id]);
      expect(await ids({ _all: "jonas" })).toEqual([newer.id]);
      expect(await ids({ lastName: "Muster", sortBy: "firstName" })).toEqual([older.id, newer.id]);
      const page = await desk.get("/contacts/search", { query: { lastName: "Muster", from: "1", limit: "1" } });
      expect(page.json).toEqual({ data: [expect.objectContaining({ id: older.id })], count: 2 });
    });

    it("hides contacts created through the API while the search index lags", async () => {
      zoho.setSearchIndexLag(2_000);
      await desk.post("/contacts", caller);
      expect(await ids({ phone: "+919631084471" })).toEqual([]);
      clock.advance(2_000);
      expect(await ids({ phone: "+919631084471" })).toHaveLength(1);
    });

    it("refuses unknown parameters and bad limits with 422", async () => {
      expect((await desk.get("/contacts/search", { query: { telephone: "+91" } })).status).toBe(422);
      expect((await desk.get("/contacts/search", { query: { phone: "+91*", limit: "0" } })).json.errorCode).toBe("UNPROCESSABLE_ENTITY");
    });
  });
});
