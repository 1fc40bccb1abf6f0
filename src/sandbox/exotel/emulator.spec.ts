import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createExotelEmulator, type ExotelEmulator } from "./emulator.js";
import { callsPath, get, ist, ManualClock } from "./test-support.js";

const EXOPHONE = "08047112233";
const AGENT = "09812345670";
const CUSTOMER = "09988776655";

describe("Exotel emulator: call records", () => {
  let clock: ManualClock;
  let exotel: ExotelEmulator;

  beforeEach(async () => {
    clock = new ManualClock(ist("2025-11-20 11:30:00").getTime());
    exotel = createExotelEmulator({ now: clock.now, accountSid: "acme1", emptyValues: "null" });
    await exotel.service.start();
  });
  afterEach(() => exotel.service.stop());

  function answeredInboundCall(sid = "4f1c2a0b9d8e7766554433221100ffeb") {
    return exotel.addCall({
      sid,
      from: CUSTOMER,
      to: EXOPHONE,
      exoPhone: EXOPHONE,
      settledTo: AGENT,
      direction: "inbound",
      status: "completed",
      startedAt: ist("2025-11-20 09:41:05"),
      durationSeconds: 233,
      conversationSeconds: 201,
      price: 1.5,
      recording: { kind: "synthetic", sizeBytes: 2048 },
    });
  }

  it("reports a settled inbound call with every field as exotel.md §4 shows it", async () => {
    answeredInboundCall();
    const reply = await get(exotel, `/v1/Accounts/acme1/Calls/4f1c2a0b9d8e7766554433221100ffeb.json?details=true`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
    expect(reply.json).toEqual({
      Call: {
        Sid: "4f1c2a0b9d8e7766554433221100ffeb",
        ParentCallSid: null,
        DateCreated: "2025-11-20 09:41:05",
        DateUpdated: "2025-11-20 09:49:58",
        AccountSid: "acme1",
        To: AGENT,
        From: CUSTOMER,
        PhoneNumberSid: EXOPHONE,
        Status: "completed",
        StartTime: "2025-11-20 09:41:05",
        EndTime: "2025-11-20 09:44:58",
        Duration: 233,
        Price: 1.5,
        Direction: "inbound",
        AnsweredBy: null,
        ForwardedFrom: null,
        CallerName: null,
        Uri: "/v1/Accounts/acme1/Calls/4f1c2a0b9d8e7766554433221100ffeb",
        RecordingUrl: `${exotel.service.url}/exotelrecordings/acme1/4f1c2a0b9d8e7766554433221100ffeb.mp3`,
        Details: {
          ConversationDuration: 201,
          Leg1Status: "completed",
          Leg2Status: "completed",
          Legs: [{ Leg: { Id: 1, OnCallDuration: 233 } }, { Leg: { Id: 2, OnCallDuration: 201 } }],
        },
      },
    });
    expect(Object.keys(reply.json.Call).slice(0, 6)).toEqual(["Sid", "ParentCallSid", "DateCreated", "DateUpdated", "AccountSid", "To"]);
  });

  it("leaves Details out unless details=true", async () => {
    answeredInboundCall();
    const reply = await get(exotel, `/v1/Accounts/acme1/Calls/4f1c2a0b9d8e7766554433221100ffeb.json`);
    expect(reply.json.Call).not.toHaveProperty("Details");
  });

  it("fills a call in only after the settle delay: before it, no Duration, Price, recording or agent", async () => {
    clock = new ManualClock(ist("2025-11-20 09:45:00").getTime());
    await exotel.service.stop();
    exotel = createExotelEmulator({ now: clock.now, accountSid: "acme1", emptyValues: "empty-string" });
    await exotel.service.start();
    answeredInboundCall();

    const before = await get(exotel, callsPath(exotel, { details: "true" }));
    expect(before.json.Calls).toHaveLength(1);
    expect(before.json.Calls[0]).toMatchObject({
      To: EXOPHONE,
      Status: "completed",
      EndTime: null,
      Duration: null,
      Price: null,
      RecordingUrl: "",
      ParentCallSid: "",
      Details: { ConversationDuration: null, Leg1Status: "completed", Leg2Status: "completed", Legs: [] },
    });

    clock.advance(5 * 60_000 - 3_000);
    expect((await get(exotel, callsPath(exotel))).json.Calls[0].Duration).toBeNull();
    clock.advance(1_000);
    const after = await get(exotel, callsPath(exotel, { details: "true" }));
    expect(after.json.Calls[0]).toMatchObject({ To: AGENT, Duration: 233, Price: 1.5, EndTime: "2025-11-20 09:44:58" });
    expect(after.json.Calls[0].RecordingUrl).toMatch(/\/exotelrecordings\/acme1\/4f1c2a0b9d8e7766554433221100ffeb\.mp3$/);
    expect(after.json.Calls[0].Details.Legs).toHaveLength(2);
  });

  it("settles at once when the delay is 0, and settle() forces it", async () => {
    const quick = createExotelEmulator({ now: clock.now, settleDelayMs: 0 });
    await quick.service.start();
    try {
      const a = quick.addCall({ from: CUSTOMER, to: EXOPHONE, exoPhone: EXOPHONE, direction: "inbound", status: "completed", startedAt: ist("2025-11-20 11:00:00"), durationSeconds: 60 });
      const b = quick.addCall({ from: CUSTOMER, to: EXOPHONE, exoPhone: EXOPHONE, direction: "inbound", status: "completed", startedAt: ist("2025-11-20 11:20:00"), durationSeconds: 60, settleDelayMs: 3_600_000 });
      expect((await get(quick, `/v1/Accounts/sandbox1/Calls/${a.sid}.json`)).json.Call.Duration).toBe(60);
      expect((await get(quick, `/v1/Accounts/sandbox1/Calls/${b.sid}.json`)).json.Call.Duration).toBeNull();
      quick.settle(b.sid);
      expect((await get(quick, `/v1/Accounts/sandbox1/Calls/${b.sid}.json`)).json.Call.Duration).toBe(60);
    } finally {
      await quick.service.stop();
    }
  });

  it("reports an inbound missed call as completed with Leg2Status no-answer, no talk time and no recording", async () => {
    exotel.addCall({
      sid: "0a1b2c3d4e5f60718293a4b5c6d7e8fg",
      from: CUSTOMER,
      to: EXOPHONE,
      exoPhone: EXOPHONE,
      direction: "inbound",
      status: "completed",
      leg2Status: "no-answer",
      startedAt: ist("2025-11-20 10:00:00"),
      durationSeconds: 40,
    });
    const call = (await get(exotel, `/v1/Accounts/acme1/Calls/0a1b2c3d4e5f60718293a4b5c6d7e8fg.json?details=true`)).json.Call;
    expect(call).toMatchObject({ Status: "completed", To: EXOPHONE, Duration: 40, RecordingUrl: null });
    expect(call.Details).toEqual({
      ConversationDuration: 0,
      Leg1Status: "completed",
      Leg2Status: "no-answer",
      Legs: [{ Leg: { Id: 1, OnCallDuration: 40 } }, { Leg: { Id: 2, OnCallDuration: 0 } }],
    });
    expect(exotel.recordingUrl("0a1b2c3d4e5f60718293a4b5c6d7e8fg")).toBeNull();
  });

  it("keeps a call in progress out of the list but answers it alone as in-progress", async () => {
    const live = exotel.addCall({
      from: CUSTOMER,
      to: EXOPHONE,
      exoPhone: EXOPHONE,
      direction: "inbound",
      status: "completed",
      startedAt: ist("2025-11-20 11:25:00"),
      durationSeconds: 600,
      inProgressUntil: ist("2025-11-20 11:35:00"),
    });
    expect((await get(exotel, callsPath(exotel))).json.Calls).toEqual([]);
    const single = (await get(exotel, `/v1/Accounts/acme1/Calls/${live.sid}.json`)).json.Call;
    expect(single).toMatchObject({ Status: "in-progress", EndTime: null, Duration: null, Price: null, RecordingUrl: null, To: EXOPHONE });

    clock.advance(6 * 60_000);
    const listed = (await get(exotel, callsPath(exotel))).json.Calls;
    expect(listed.map((c: { Sid: string }) => c.Sid)).toEqual([live.sid]);
    expect(listed[0].Status).toBe("completed");
  });

  it("sends Duration and Price as strings when asked, as the docs show them", async () => {
    const strings = createExotelEmulator({ now: clock.now, numbersAsStrings: true, settleDelayMs: 0 });
    await strings.service.start();
    try {
      const { sid } = strings.addCall({ from: AGENT, to: CUSTOMER, exoPhone: EXOPHONE, direction: "outbound-api", status: "completed", startedAt: ist("2025-11-20 10:00:00"), durationSeconds: 17, price: 1.5 });
      const call = (await get(strings, `/v1/Accounts/sandbox1/Calls/${sid}.json`)).json.Call;
      expect(call.Duration).toBe("17");
      expect(call.Price).toBe("1.500");
      expect(call.To).toBe(CUSTOMER);
    } finally {
      await strings.service.stop();
    }
  });

  it("generates 32-character lowercase SIDs, some ending in a letter past f, and refuses a duplicate SID", () => {
    const sids = Array.from({ length: 40 }, () =>
      exotel.addCall({ from: CUSTOMER, to: EXOPHONE, exoPhone: EXOPHONE, direction: "inbound", status: "busy", startedAt: ist("2025-11-20 10:00:00"), durationSeconds: 0 }).sid,
    );
    for (const sid of sids) expect(sid).toMatch(/^[0-9a-f]{31}[0-9a-z]$/);
    expect(new Set(sids).size).toBe(40);
    expect(sids.some((sid) => /[g-z]$/.test(sid))).toBe(true);
    expect(() => exotel.addCall({ sid: sids[0], from: CUSTOMER, to: EXOPHONE, exoPhone: EXOPHONE, direction: "inbound", status: "busy", startedAt: new Date(), durationSeconds: 0 })).toThrow(/already exists/);
  });

  it("answers XML in a TwilioResponse when the path has no .json", async () => {
    answeredInboundCall();
    const reply = await get(exotel, `/v1/Accounts/acme1/Calls/4f1c2a0b9d8e7766554433221100ffeb?details=true`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^application\/xml/);
    expect(reply.text).toContain("<TwilioResponse><Call><Sid>4f1c2a0b9d8e7766554433221100ffeb</Sid><ParentCallSid/>");
    expect(reply.text).toContain("<Duration>233</Duration>");
    expect(reply.text).toContain("<Legs><Leg><Id>1</Id><OnCallDuration>233</OnCallDuration></Leg><Leg><Id>2</Id><OnCallDuration>201</OnCallDuration></Leg></Legs>");
    const list = await get(exotel, `/v1/Accounts/acme1/Calls`);
    expect(list.text).toMatch(/<TwilioResponse><Metadata><Total>1<\/Total><PageSize>50<\/PageSize>.*<\/Metadata><Calls><Call><Sid>4f1c/);
  });
});

describe("Exotel emulator: authentication and errors", () => {
  let exotel: ExotelEmulator;
  beforeEach(async () => {
    exotel = createExotelEmulator();
    await exotel.service.start();
  });
  afterEach(() => exotel.service.stop());

  it("refuses a missing or wrong key/token with a 401 RestException", async () => {
    const missing = await get(exotel, callsPath(exotel), null);
    expect(missing.status).toBe(401);
    expect(missing.json.RestException.Status).toBe(401);
    expect(typeof missing.json.RestException.Message).toBe("string");
    const wrong = await get(exotel, callsPath(exotel), `Basic ${Buffer.from(`${exotel.apiKey}:not-the-token`).toString("base64")}`);
    expect(wrong.status).toBe(401);
    const bearer = await get(exotel, callsPath(exotel), `Bearer ${exotel.apiToken}`);
    expect(bearer.status).toBe(401);
  });

  it("uses 48-character hex credentials and accepts them as Basic auth", async () => {
    expect(exotel.apiKey).toMatch(/^[0-9a-f]{48}$/);
    expect(exotel.apiToken).toMatch(/^[0-9a-f]{48}$/);
    expect((await get(exotel, callsPath(exotel))).status).toBe(200);
  });

  it("answers 404 No matching results for an unknown CallSid and an unknown account", async () => {
    const call = await get(exotel, `/v1/Accounts/sandbox1/Calls/ffffffffffffffffffffffffffffffff.json`);
    expect(call.status).toBe(404);
    expect(call.json).toEqual({ RestException: { Status: 404, Message: "No matching results" } });
    const account = await get(exotel, `/v1/Accounts/someoneelse/Calls.json`);
    expect(account.status).toBe(404);
    expect(account.json.RestException.Status).toBe(404);
  });

  it("answers 429 beyond the per-minute budget and lets requests in again as the window slides", async () => {
    const clock = new ManualClock(Date.parse("2025-11-20T06:00:00Z"));
    const limited = createExotelEmulator({ now: clock.now, rateLimitPerMinute: 200 });
    await limited.service.start();
    try {
      for (let i = 0; i < 200; i++) {
        const reply = await get(limited, callsPath(limited));
        expect(reply.status).toBe(200);
        if (i === 99) clock.advance(30_000);
      }
      const over = await get(limited, callsPath(limited));
      expect(over.status).toBe(429);
      expect(over.json.RestException.Status).toBe(429);
      clock.advance(30_000);
      // The first hundred are now a minute old; the second hundred still count.
      for (let i = 0; i < 100; i++) expect((await get(limited, callsPath(limited))).status).toBe(200);
      expect((await get(limited, callsPath(limited))).status).toBe(429);
    } finally {
      await limited.service.stop();
    }
  });

  it("injects RestException failures and non-JSON bodies through the fault hooks", async () => {
    exotel.failNext(503, { message: "Service unavailable" });
    const failed = await get(exotel, callsPath(exotel));
    expect(failed.status).toBe(503);
    expect(failed.json).toEqual({ RestException: { Status: 503, Message: "Service unavailable" } });
    exotel.service.faults.add({ fault: { kind: "malformed", body: "<html>Bad gateway</html>", contentType: "text/html" } });
    const html = await get(exotel, callsPath(exotel));
    expect(html.status).toBe(200);
    expect(html.json).toBeNull();
    expect((await get(exotel, callsPath(exotel))).status).toBe(200);
  });
});
