import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeskTestClient, FrozenClock } from "./desk-test-client.js";
import { createZohoEmulators, MAX_COMMENT_CHARS, type DeskTicket, type ZohoEmulators } from "./index.js";

describe("Zoho Desk emulator: comments and attachments", () => {
  let clock: FrozenClock;
  let zoho: ZohoEmulators;
  let desk: DeskTestClient;
  let ticket: DeskTicket;

  beforeEach(async () => {
    clock = new FrozenClock(Date.UTC(2026, 2, 1, 9, 15, 3));
    zoho = createZohoEmulators({ now: clock.now, maxAttachmentBytes: 1024 });
    await zoho.start();
    desk = new DeskTestClient(zoho);
    const contact = zoho.seedContact({ lastName: "+49301234567", phone: "+49301234567" });
    ticket = zoho.seedTicket({ subject: "Call", departmentId: "1892000000006907", contactId: contact.id });
  });
  afterEach(() => zoho.stop());

  const transcript = { content: "Transcript:\nCustomer: hello\nCall ID: CA1", isPublic: false, contentType: "plainText" };

  describe("POST /tickets/{id}/comments", () => {
    it("answers 200 with the comment and bumps the ticket's commentCount", async () => {
      const { status, json } = await desk.post(`/tickets/${ticket.id}/comments`, transcript);
      expect(status).toBe(200);
      expect(json).toEqual({
        id: expect.stringMatching(/^\d{16,19}$/),
        content: "Transcript:\nCustomer: hello\nCall ID: CA1",
        contentType: "plainText",
        isPublic: false,
        commentedTime: "2026-03-01T09:15:03.000Z",
        modifiedTime: null,
        commenterId: "1892000000042001",
        commenter: { id: "1892000000042001", firstName: "API", lastName: "User", name: "API User", photoURL: null, roleName: "Administrator", type: "AGENT", email: "bot@acme.test" },
        attachments: [],
        encodedContent: null,
        impersonatedUser: null,
      });
      expect(zoho.tickets()[0]!.commentCount).toBe("1");
      expect(zoho.comments(ticket.id).map((c) => c.id)).toEqual([json.id]);
    });

    it("defaults contentType to html", async () => {
      const { json } = await desk.post(`/tickets/${ticket.id}/comments`, { content: "<b>hi</b>", isPublic: true });
      expect(json).toMatchObject({ contentType: "html", isPublic: true });
    });

    it(`accepts ${MAX_COMMENT_CHARS} characters and refuses one more with 422`, async () => {
      expect((await desk.post(`/tickets/${ticket.id}/comments`, { ...transcript, content: "a".repeat(32_000) })).status).toBe(200);
      const { status, json } = await desk.post(`/tickets/${ticket.id}/comments`, { ...transcript, content: "a".repeat(32_001) });
      expect(status).toBe(422);
      expect(json).toEqual({
        errorCode: "INVALID_DATA",
        message: "An invalid value was found for a field, or a required field is missing.",
        errors: [{ fieldName: "/content", errorType: "invalid", errorMessage: "content can have at most 32000 characters" }],
      });
      expect(zoho.comments(ticket.id)).toHaveLength(1);
    });

    it.each([
      ["no content", { isPublic: false }, "/content", "missing"],
      ["an unknown contentType", { content: "x", contentType: "markdown" }, "/contentType", "invalid"],
      ["a non-boolean isPublic", { content: "x", isPublic: "false" }, "/isPublic", "invalid"],
      ["an attachment id of no attachment", { content: "x", attachmentIds: ["1892000000000009"] }, "/attachmentIds/0", "invalid"],
    ])("answers %s with 422 INVALID_DATA", async (_case, body, fieldName, errorType) => {
      const { status, json } = await desk.post(`/tickets/${ticket.id}/comments`, body);
      expect(status).toBe(422);
      expect(json.errors).toMatchObject([{ fieldName, errorType }]);
    });

    it("answers 404 for an unknown ticket", async () => {
      const { status, json } = await desk.post("/tickets/1892000000999999/comments", transcript);
      expect(status).toBe(404);
      expect(json.errorCode).toBe("URL_NOT_FOUND");
    });
  });

  describe("GET /tickets/{id}/comments", () => {
    it('answers {"data":[]} for a ticket without comments', async () => {
      const { status, json } = await desk.get(`/tickets/${ticket.id}/comments`);
      expect(status).toBe(200);
      expect(json).toEqual({ data: [] });
    });

    it("lists comments oldest first and pages with from and limit", async () => {
      for (const n of [1, 2, 3]) {
        await desk.post(`/tickets/${ticket.id}/comments`, { ...transcript, content: `Part ${n}` });
        clock.advance(1000);
      }
      const contents = async (query: Record<string, string>) => (await desk.get(`/tickets/${ticket.id}/comments`, { query })).json.data.map((c: { content: string }) => c.content);
      expect(await contents({})).toEqual(["Part 1", "Part 2", "Part 3"]);
      expect(await contents({ from: "1", limit: "1" })).toEqual(["Part 2"]);
      expect(await contents({ sortBy: "-commentedTime" })).toEqual(["Part 3", "Part 2", "Part 1"]);
      expect(await contents({ from: "3" })).toEqual([]);
      expect((await desk.get(`/tickets/${ticket.id}/comments`, { query: { limit: "101" } })).status).toBe(422);
    });
  });

  describe("attachments", () => {
    function upload(name: string, bytes: Buffer): FormData {
      const form = new FormData();
      form.append("file", new Blob([bytes], { type: "text/plain" }), name);
      return form;
    }

    it("stores the multipart part named file and serves it back", async () => {
      const bytes = Buffer.from("Caller: hello\n");
      const { status, json } = await desk.post(`/tickets/${ticket.id}/attachments`, upload("transcript.txt", bytes), { query: { isPublic: "false" } });
      expect(status).toBe(200);
      expect(json).toMatchObject({ name: "transcript.txt", size: String(bytes.length), isPublic: false, creatorId: "1892000000042001", createdTime: "2026-03-01T09:15:03.000Z" });
      expect(json.href).toBe(`${zoho.desk.url}/api/v1/tickets/${ticket.id}/attachments/${json.id}/content`);
      expect(zoho.attachments(ticket.id).map((a) => a.content.toString())).toEqual(["Caller: hello\n"]);
      expect(zoho.tickets()[0]!.attachmentCount).toBe("1");
      const content = await desk.get(`/tickets/${ticket.id}/attachments/${json.id}/content`);
      expect(content.text).toBe("Caller: hello\n");
      expect(content.headers.get("content-type")).toBe("text/plain");
    });

    it("links uploaded attachments to a comment by id", async () => {
      const uploaded = await desk.post(`/tickets/${ticket.id}/attachments`, upload("a.txt", Buffer.from("a")));
      const { json } = await desk.post(`/tickets/${ticket.id}/comments`, { content: "see file", attachmentIds: [uploaded.json.id] });
      expect(json.attachments.map((a: { id: string }) => a.id)).toEqual([uploaded.json.id]);
    });

    it("refuses a form without a file part (422), a file over the limit (413) and a JSON body (415)", async () => {
      const noFile = new FormData();
      noFile.append("name", "x");
      const missing = await desk.post(`/tickets/${ticket.id}/attachments`, noFile);
      expect(missing.status).toBe(422);
      expect(missing.json.errors).toEqual([{ fieldName: "/file", errorType: "missing" }]);
      const large = await desk.post(`/tickets/${ticket.id}/attachments`, upload("big.bin", Buffer.alloc(1025)));
      expect(large.status).toBe(413);
      expect(large.json.errorCode).toBe("RESOURCE_SIZE_EXCEEDED");
      expect((await desk.post(`/tickets/${ticket.id}/attachments`, { file: "x" })).status).toBe(415);
      expect(zoho.attachments()).toEqual([]);
    });
  });
});
