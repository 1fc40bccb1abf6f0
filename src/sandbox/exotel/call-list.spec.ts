import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createExotelEmulator, type ExotelEmulator } from "./emulator.js";
import { callsPath, get, ist, ManualClock } from "./test-support.js";

const EXOPHONE = "08047112233";
const OTHER_EXOPHONE = "01930483621";

interface Row {
  Sid: string;
  DateCreated: string;
}

describe("Exotel emulator: call list paging", () => {
  let clock: ManualClock;
  let exotel: ExotelEmulator;
  const all: string[] = [];

  beforeEach(async () => {
    clock = new ManualClock(ist("2025-11-20 12:00:00").getTime());
    exotel = createExotelEmulator({ now: clock.now, settleDelayMs: 0 });
    await exotel.service.start();
    all.length = 0;
    // 23 calls, three of them in the same second so the SID breaks the tie.
    for (let i = 0; i < 23; i++) {
      const second = i < 3 ? 0 : i;
      const { sid } = exotel.addCall({
        from: `0990000${String(i).padStart(4, "0")}`,
        to: EXOPHONE,
        exoPhone: EXOPHONE,
        direction: "inbound",
        status: "completed",
        startedAt: new Date(ist("2025-11-20 09:00:00").getTime() + second * 60_000),
        durationSeconds: 30,
      });
      all.push(sid);
    }
  });
  afterEach(() => exotel.service.stop());

  const window = "gte:2025-11-20 08:00:00;lte:2025-11-20 11:00:00";

  async function walk(first: string, onPage?: (page: number) => void): Promise<{ rows: Row[]; pages: number; uris: (string | null)[] }> {
    const rows: Row[] = [];
    const uris: (string | null)[] = [];
    let next: string | null = first;
    let pages = 0;
    while (next) {
      const reply = await get(exotel, next);
      expect(reply.status).toBe(200);
      rows.push(...reply.json.Calls);
      pages++;
      onPage?.(pages);
      next = reply.json.Metadata.NextPageUri;
      uris.push(next);
    }
    return { rows, pages, uris };
  }

  it("walks every call exactly once in ascending order by following NextPageUri", async () => {
    const { rows, pages, uris } = await walk(callsPath(exotel, { DateCreated: window, SortBy: "DateCreated:asc", PageSize: "5" }));
    expect(pages).toBe(5);
    expect(uris[uris.length - 1]).toBeNull();
    const sids = rows.map((r) => r.Sid);
    expect(new Set(sids).size).toBe(23);
    expect([...sids].sort()).toEqual([...all].sort());
    const keys = rows.map((r) => `${r.DateCreated}|${r.Sid}`);
    expect(keys).toEqual([...keys].sort());
  });

  it("walks every call exactly once newest first, the default order", async () => {
    const { rows } = await walk(callsPath(exotel, { DateCreated: window, PageSize: "4" }));
    expect(rows).toHaveLength(23);
    const keys = rows.map((r) => `${r.DateCreated}|${r.Sid}`);
    expect(keys).toEqual([...keys].sort().reverse());
  });

  it("stays stable when calls arrive mid-walk: nothing repeated or skipped, later calls picked up", async () => {
    let late = "";
    const { rows } = await walk(callsPath(exotel, { DateCreated: window, SortBy: "DateCreated:asc", PageSize: "5" }), (page) => {
      if (page !== 2) return;
      // One call before the cursor (already walked past) and one after it.
      exotel.addCall({ from: "09111111111", to: EXOPHONE, exoPhone: EXOPHONE, direction: "inbound", status: "completed", startedAt: ist("2025-11-20 09:00:30"), durationSeconds: 5 });
      late = exotel.addCall({ from: "09222222222", to: EXOPHONE, exoPhone: EXOPHONE, direction: "inbound", status: "completed", startedAt: ist("2025-11-20 09:59:00"), durationSeconds: 5 }).sid;
    });
    const sids = rows.map((r) => r.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const sid of all) expect(sids).toContain(sid);
    expect(sids).toContain(late);
    expect(sids).toHaveLength(24);
  });

  it("describes the page in Metadata with relative URIs that repeat the filters, cursor last", async () => {
    const reply = await get(exotel, callsPath(exotel, { DateCreated: window, SortBy: "DateCreated:asc", PageSize: "10", Direction: "inbound" }));
    const meta = reply.json.Metadata;
    expect(Object.keys(meta)).toEqual(["Total", "PageSize", "FirstPageUri", "PrevPageUri", "NextPageUri"]);
    expect(meta.Total).toBe(23);
    expect(meta.PageSize).toBe(10);
    expect(meta.PrevPageUri).toBeNull();
    const base = "/v1/Accounts/sandbox1/Calls.json?PageSize=10&DateCreated=gte%3A2025-11-20+08%3A00%3A00%3Blte%3A2025-11-20+11%3A00%3A00&SortBy=DateCreated%3Aasc&Direction=inbound";
    expect(meta.FirstPageUri).toBe(base);
    const tenth: Row = reply.json.Calls[9];
    const epoch = ist(tenth.DateCreated).getTime() / 1000;
    const cursor = Buffer.from(`${epoch},${tenth.Sid}`).toString("base64");
    expect(meta.NextPageUri).toBe(`${base}&After=${encodeURIComponent(cursor).replace(/%3D/g, "=")}`);

    const second = await get(exotel, meta.NextPageUri);
    expect(second.json.Calls).toHaveLength(10);
    const back = await get(exotel, second.json.Metadata.PrevPageUri);
    expect(back.json.Calls.map((c: Row) => c.Sid)).toEqual(reply.json.Calls.map((c: Row) => c.Sid));
    expect(back.json.Metadata.PrevPageUri).toBeNull();
  });

  it("answers an empty result with Total 0, no calls and no next page", async () => {
    const reply = await get(exotel, callsPath(exotel, { DateCreated: "gte:2025-11-19 08:00:00;lte:2025-11-19 09:00:00" }));
    expect(reply.json.Metadata).toMatchObject({ Total: 0, PrevPageUri: null, NextPageUri: null });
    expect(reply.json.Calls).toEqual([]);
  });

  it("defaults to 50 a page and refuses more than 100", async () => {
    expect((await get(exotel, callsPath(exotel))).json.Metadata.PageSize).toBe(50);
    expect((await get(exotel, callsPath(exotel, { PageSize: "100" }))).status).toBe(200);
    for (const size of ["101", "0", "ten"]) {
      const reply = await get(exotel, callsPath(exotel, { PageSize: size }));
      expect(reply.status).toBe(400);
      expect(reply.json.RestException.Status).toBe(400);
    }
  });

  it("refuses a cursor that is not base64 of epoch,Sid", async () => {
    const reply = await get(exotel, callsPath(exotel, { After: Buffer.from("hello").toString("base64") }));
    expect(reply.status).toBe(400);
  });
});

describe("Exotel emulator: call list filters", () => {
  let clock: ManualClock;
  let exotel: ExotelEmulator;
  const sids: Record<string, string> = {};

  beforeEach(async () => {
    clock = new ManualClock(ist("2025-11-20 12:00:00").getTime());
    exotel = createExotelEmulator({ now: clock.now, settleDelayMs: 0 });
    await exotel.service.start();
    const base = { to: EXOPHONE, exoPhone: EXOPHONE, settledTo: "09812345670", direction: "inbound" as const };
    sids["answered"] = exotel.addCall({ ...base, from: "09663127355", status: "completed", startedAt: ist("2025-11-20 09:10:00"), durationSeconds: 120, price: 1.5 }).sid;
    sids["busy"] = exotel.addCall({ ...base, from: "09663127356", status: "busy", startedAt: ist("2025-11-20 09:20:00"), durationSeconds: 0 }).sid;
    sids["outbound"] = exotel.addCall({ from: "09812345670", to: "09663127357", exoPhone: OTHER_EXOPHONE, direction: "outbound-api", status: "completed", startedAt: ist("2025-11-20 09:30:00"), durationSeconds: 30, price: 0.75 }).sid;
    sids["old"] = exotel.addCall({ ...base, from: "09663127355", status: "completed", startedAt: ist("2025-10-01 09:00:00"), durationSeconds: 60 }).sid;
  });
  afterEach(() => exotel.service.stop());

  async function listed(query: Record<string, string>): Promise<string[]> {
    const reply = await get(exotel, callsPath(exotel, query));
    expect(reply.status, reply.text).toBe(200);
    return reply.json.Calls.map((c: Row) => c.Sid);
  }

  async function refused(query: Record<string, string>): Promise<string> {
    const reply = await get(exotel, callsPath(exotel, query));
    expect(reply.status).toBe(400);
    expect(reply.json.RestException.Status).toBe(400);
    return reply.json.RestException.Message;
  }

  it("searches the last 31 days when DateCreated is missing", async () => {
    expect(await listed({ SortBy: "DateCreated:asc" })).toEqual([sids["answered"], sids["busy"], sids["outbound"]]);
  });

  it("reads DateCreated with the space written as + or %20, both ends inclusive", async () => {
    const path = `/v1/Accounts/sandbox1/Calls.json?SortBy=DateCreated:asc&DateCreated=`;
    const plus = await get(exotel, `${path}gte%3A2025-11-20+09%3A10%3A00%3Blte%3A2025-11-20+09%3A20%3A00`);
    const space = await get(exotel, `${path}gte:2025-11-20%2009:10:00;lte:2025-11-20%2009:20:00`);
    expect(plus.json.Calls.map((c: Row) => c.Sid)).toEqual([sids["answered"], sids["busy"]]);
    expect(space.json.Calls.map((c: Row) => c.Sid)).toEqual([sids["answered"], sids["busy"]]);
    expect(await listed({ DateCreated: "gte:2025-10-01 00:00:00;lte:2025-10-02 00:00:00" })).toEqual([sids["old"]]);
  });

  it("refuses a DateCreated range over a month, older than six months, reversed or malformed", async () => {
    expect(await refused({ DateCreated: "gte:2025-10-01 00:00:00;lte:2025-11-20 00:00:00" })).toMatch(/one month/);
    expect(await refused({ DateCreated: "gte:2025-04-01 00:00:00;lte:2025-04-20 00:00:00" })).toMatch(/6 months/);
    expect(await refused({ DateCreated: "gte:2025-11-20 10:00:00;lte:2025-11-20 09:00:00" })).toMatch(/after the end/);
    await refused({ DateCreated: "2025-11-20 09:00:00" });
    await refused({ DateCreated: "gte:2025-11-20T09:00:00Z" });
    await refused({ DateCreated: "eq:2025-11-20 09:00:00" });
  });

  it("filters by Sid, up to 100 of them", async () => {
    expect(await listed({ Sid: `${sids["busy"]},${sids["outbound"]}`, SortBy: "DateCreated:asc" })).toEqual([sids["busy"], sids["outbound"]]);
    await refused({ Sid: Array.from({ length: 101 }, (_, i) => `sid${i}`).join(",") });
  });

  it("matches To, From and PhoneNumber in E.164 against 0-prefixed numbers by their last ten digits", async () => {
    expect(await listed({ From: "+919663127355" })).toEqual([sids["answered"]]);
    // An inbound call's To is the agent once settled.
    expect(await listed({ To: "+919812345670", SortBy: "DateCreated:asc" })).toEqual([sids["answered"], sids["busy"]]);
    expect(await listed({ PhoneNumber: "+911930483621" })).toEqual([sids["outbound"]]);
    await refused({ From: "+911,+912,+913,+914,+915,+916" });
  });

  it("filters by Status and Direction and refuses values Exotel does not know", async () => {
    expect(await listed({ Status: "busy" })).toEqual([sids["busy"]]);
    expect(await listed({ Direction: "outbound-api" })).toEqual([sids["outbound"]]);
    expect(await refused({ Direction: "incoming" })).toBe('Invalid Direction "incoming". Valid values: inbound, outbound-api, outbound-dial');
    await refused({ Status: "answered" });
  });

  it("filters by Duration and Price operators", async () => {
    expect(await listed({ Duration: "gte:10s;lte:45s" })).toEqual([sids["outbound"]]);
    expect(await listed({ Duration: "eq:120s" })).toEqual([sids["answered"]]);
    expect(await listed({ Price: "gte:1.0" })).toEqual([sids["answered"]]);
    await refused({ Duration: "over:10s" });
  });

  it("adds a signed recording URL when RecordingUrlValidity is 5 to 60, and refuses other values", async () => {
    const reply = await get(exotel, callsPath(exotel, { Sid: sids["answered"]!, RecordingUrlValidity: "10" }));
    expect(reply.json.Calls[0].PreSignedRecordingUrl).toMatch(/\.mp3\?X-Amz-Algorithm=AWS4-HMAC-SHA256&.*X-Amz-Expires=600&/);
    expect(reply.json.Metadata.FirstPageUri).toContain("RecordingUrlValidity=10");
    const plain = await get(exotel, callsPath(exotel, { Sid: sids["answered"]! }));
    expect(plain.json.Calls[0]).not.toHaveProperty("PreSignedRecordingUrl");
    await refused({ RecordingUrlValidity: "4" });
    await refused({ RecordingUrlValidity: "61" });
    const single = await get(exotel, `/v1/Accounts/sandbox1/Calls/${sids["answered"]}.json?RecordingUrlValidity=90`);
    expect(single.status).toBe(400);
  });
});
