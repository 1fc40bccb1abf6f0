import { promises as fsp } from "node:fs";
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { InputError } from "../lib/errors.js";
import type { CallState, StateSnapshot } from "./model.js";
import { StateStore, type StoreOptions } from "./store.js";

const DAY = 86_400_000;
const NOW = new Date("2025-11-20T10:00:00.000Z");
const OPTIONS: StoreOptions = { retentionDays: 45, overlapMs: 4 * 3_600_000, now: () => NOW };

let dir: string;
let file: string;
const open: StateStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "state-store-"));
  file = path.join(dir, "processed_calls.json");
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const store of open.splice(0)) await store.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function openStore(options: StoreOptions = OPTIONS) {
  const opened = await StateStore.open(file, options);
  open.push(opened.store);
  return opened;
}

/** A process killed after its last acknowledged write: nothing is compacted, the journal stays as written. */
async function crash(store: StateStore): Promise<void> {
  open.splice(open.indexOf(store), 1);
  await (store as unknown as { journal: FileHandle }).journal.close();
}

function diskError(code: string, call: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: disk trouble, ${call}`), { code });
}

/** The next `count` appends to the store's current journal fail, each after writing all but the last byte of its batch. */
function failJournalWrites(store: StateStore, count: number, code = "ENOSPC"): void {
  const journal = (store as unknown as { journal: FileHandle }).journal;
  const write = journal.write.bind(journal) as (text: string, position: number, encoding: string) => Promise<unknown>;
  let failures = count;
  (journal as unknown as { write: typeof write }).write = async (text, position, encoding) => {
    if (failures-- <= 0) return write(text, position, encoding);
    await write(text.slice(0, -1), position, encoding);
    throw diskError(code, "write");
  };
}

/** While `failing()` holds, opening a file of the state's folder for writing fails as on a full disk. */
function failFileCreation(failing: () => boolean): void {
  const open = fsp.open.bind(fsp);
  vi.spyOn(fsp, "open").mockImplementation(async (target, flags, mode) => {
    if (failing() && String(target).startsWith(dir) && flags === "w") throw diskError("ENOSPC", "open");
    return open(target, flags, mode);
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function exists(target: string): Promise<boolean> {
  return stat(target).then(
    () => true,
    () => false,
  );
}

function iso(offsetMs: number): string {
  return new Date(NOW.getTime() + offsetMs).toISOString();
}

function call(status: CallState["status"], ageMs: number, extra: Partial<CallState> = {}): CallState {
  const at = iso(-ageMs);
  return { status, step: status === "done" ? "done" : "discovered", attempts: 0, startedAt: at, firstSeenAt: at, updatedAt: at, ...(status === "done" ? { doneAt: at } : {}), ...extra };
}

async function readState(): Promise<StateSnapshot> {
  return JSON.parse(await readFile(file, "utf8")) as StateSnapshot;
}

describe("StateStore.open", () => {
  it("starts empty when there is no state file, and writes one", async () => {
    const { store, migratedFrom, replayed } = await openStore();
    expect(migratedFrom).toBeNull();
    expect(replayed).toBe(0);
    expect(store.size).toBe(0);
    expect(store.watermark).toBeNull();
    expect(await readState()).toMatchObject({ version: 2, generation: 1, watermark: null, calls: {}, contacts: {} });
    expect(await readFile(store.journalFile, "utf8")).toBe('{"generation":1}\n');
  });

  it("migrates the predecessor's array of SIDs, keeping the original as .v1-backup", async () => {
    const legacy = '["sid-a", "sid-b"]\n';
    await writeFile(file, legacy);
    const { store, migratedFrom } = await openStore();
    expect(migratedFrom).toBe("v1");
    expect(store.get("sid-a")).toMatchObject({ status: "done", step: "done", legacy: true });
    expect(store.get("sid-b")?.status).toBe("done");
    expect(store.pending()).toEqual([]);
    expect(await readFile(`${file}.v1-backup`, "utf8")).toBe(legacy);
    const state = await readState();
    expect(state.version).toBe(2);
    expect(Object.keys(state.calls).sort()).toEqual(["sid-a", "sid-b"]);
  });

  it("does not overwrite an existing .v1-backup", async () => {
    await writeFile(`${file}.v1-backup`, '["older"]');
    await writeFile(file, '["sid-a"]');
    await openStore();
    expect(await readFile(`${file}.v1-backup`, "utf8")).toBe('["older"]');
  });

  it.each([
    ["corrupt JSON", '{"version": 2, "calls": {'],
    ["an unknown shape", '{"processed": ["sid-a"]}'],
    ["a newer version", '{"version": 3, "calls": {}}'],
    ["an empty file", ""],
  ])("refuses %s with an InputError and leaves the file byte for byte", async (_label, text) => {
    await writeFile(file, text);
    const error = await StateStore.open(file, OPTIONS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe(file);
    expect(await readFile(file, "utf8")).toBe(text);
    expect(await exists(`${file}.journal`)).toBe(false);
    expect(await exists(`${file}.v1-backup`)).toBe(false);
  });
});

describe("journal", () => {
  it("replays acknowledged steps after a crash", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { status: "pending", step: "recording", startedAt: iso(-60_000) });
    await store.update("sid-a", { step: "transcript", transcript: { turns: [], durationSeconds: 3, languages: [] } });
    await store.update("sid-b", { status: "done", step: "done", doneAt: iso(0) });
    await store.setWatermark(new Date(iso(-1000)));
    await store.rememberContact("+919988776655", "1892000000042001");
    await crash(store);

    const reopened = await openStore();
    expect(reopened.replayed).toBe(5);
    expect(reopened.store.get("sid-a")).toMatchObject({ status: "pending", step: "transcript", transcript: { turns: [], durationSeconds: 3, languages: [] } });
    expect(reopened.store.get("sid-b")).toMatchObject({ status: "done", step: "done" });
    expect(reopened.store.watermark?.toISOString()).toBe(iso(-1000));
    expect(reopened.store.contact("+919988776655")).toEqual({ id: "1892000000042001", at: NOW.toISOString() });
    expect(reopened.store.pending().map(([sid]) => sid)).toEqual(["sid-a"]);
  });

  it("folds the journal into the state file when reopened", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "recording" });
    await crash(store);
    await openStore();
    const state = await readState();
    expect(state.generation).toBe(2);
    expect(state.calls["sid-a"]?.step).toBe("recording");
    expect(await readFile(`${file}.journal`, "utf8")).toBe('{"generation":2}\n');
  });

  it("replays a call first seen after the last save as a whole entry, so the file it is folded into opens again", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "recording" });
    await crash(store);

    const reopened = await openStore();
    const whole = { status: "pending", step: "recording", attempts: 0, startedAt: null, firstSeenAt: NOW.toISOString(), updatedAt: NOW.toISOString() };
    expect(reopened.store.get("sid-a")).toEqual(whole);
    await crash(reopened.store);
    expect((await openStore()).store.get("sid-a")).toEqual(whole);
  });

  it("replays removed fields", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "ticket", intent: { kind: "ticket", at: iso(0) } });
    await store.update("sid-a", { step: "ticket" }, ["intent"]);
    await crash(store);
    const { store: reopened } = await openStore();
    expect(reopened.get("sid-a")).not.toHaveProperty("intent");
  });

  it("ignores a torn last line (a crash mid-write was never acknowledged)", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "recording" });
    await crash(store);
    await appendFile(`${file}.journal`, '{"sid":"sid-a","set":{"step":"transcr');
    const reopened = await openStore();
    expect(reopened.replayed).toBe(1);
    expect(reopened.store.get("sid-a")?.step).toBe("recording");
  });

  it("after a write that failed part-way (a full disk), saves the next step by folding the whole state, so no piece of a line is left between steps", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "recording" });
    failJournalWrites(store, 1);
    await expect(store.update("sid-a", { step: "transcript", reason: "x".repeat(200) })).rejects.toThrow("ENOSPC");
    await store.update("sid-b", { step: "recording" });
    const state = await readState();
    expect(await readFile(`${file}.journal`, "utf8")).toBe(`{"generation":${state.generation}}\n`);
    expect(state.calls["sid-b"]?.step).toBe("recording");
    await crash(store);

    const reopened = await openStore();
    expect(reopened.store.get("sid-a")?.step).toBe("transcript");
    expect(reopened.store.get("sid-b")?.step).toBe("recording");
  });

  it("keeps saving steps after a failed write that cannot even be cut back out of the journal", async () => {
    const { store } = await openStore();
    const journal = (store as unknown as { journal: FileHandle }).journal;
    (journal as unknown as { write: () => Promise<never> }).write = () => Promise.reject(diskError("EIO", "write"));
    (journal as unknown as { truncate: () => Promise<never> }).truncate = () => Promise.reject(diskError("EIO", "ftruncate"));
    await expect(store.update("sid-a", { step: "recording" })).rejects.toThrow("EIO: disk trouble, write");
    await store.update("sid-b", { step: "recording" });
    await crash(store);
    const { store: reopened } = await openStore();
    expect(reopened.get("sid-a")?.step).toBe("recording");
    expect(reopened.get("sid-b")?.step).toBe("recording");
  });

  it("refuses a damaged line in the middle, naming it, and leaves the files alone", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "recording" });
    await crash(store);
    const journal = `${file}.journal`;
    const damaged = (await readFile(journal, "utf8")) + "not json at all\n" + '{"sid":"sid-a","set":{"step":"transcript"}}\n';
    await writeFile(journal, damaged);
    const before = await readFile(file, "utf8");

    const error = await StateStore.open(file, OPTIONS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe(journal);
    expect((error as InputError).problems.map((p) => p.field)).toEqual(["line 3"]);
    expect(await readFile(journal, "utf8")).toBe(damaged);
    expect(await readFile(file, "utf8")).toBe(before);
  });

  it("refuses a well-formed JSON line that is not a journal entry", async () => {
    await writeFile(file, JSON.stringify({ version: 2, generation: 4, calls: {} }));
    await writeFile(`${file}.journal`, '{"generation":4}\n{"hello":"world"}\n{"watermark":"2025-11-20T09:00:00.000Z"}\n');
    const error = await StateStore.open(file, OPTIONS).catch((e: unknown) => e);
    expect((error as InputError).problems.map((p) => p.field)).toEqual(["line 2"]);
  });

  it("refuses a line about a call named like a property every object has", async () => {
    await writeFile(file, JSON.stringify({ version: 2, generation: 4, calls: {} }));
    await writeFile(`${file}.journal`, '{"generation":4}\n{"sid":"__proto__","set":{"polluted":true}}\n');
    const error = await StateStore.open(file, OPTIONS).catch((e: unknown) => e);
    expect((error as InputError).problems.map((p) => p.field)).toEqual(["line 2"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("applies a journal of the state file's generation", async () => {
    await writeFile(file, JSON.stringify({ version: 2, generation: 4, calls: {} }));
    await writeFile(`${file}.journal`, '{"generation":4}\n{"sid":"sid-a","set":{"status":"pending","step":"recording","attempts":0,"startedAt":null,"firstSeenAt":"2025-11-20T09:00:00.000Z","updatedAt":"2025-11-20T09:00:00.000Z"}}\n');
    const { store, replayed } = await openStore();
    expect(replayed).toBe(1);
    expect(store.get("sid-a")?.step).toBe("recording");
  });

  it("ignores a journal of an older generation (already folded in before a crash)", async () => {
    await writeFile(file, JSON.stringify({ version: 2, generation: 5, calls: {} }));
    await writeFile(`${file}.journal`, '{"generation":4}\n{"sid":"sid-a","set":{"status":"pending","step":"recording"}}\n{"watermark":"2025-11-20T09:00:00.000Z"}\n');
    const { store, replayed } = await openStore();
    expect(replayed).toBe(0);
    expect(store.get("sid-a")).toBeUndefined();
    expect(store.watermark).toBeNull();
  });

  it("ignores a journal without a generation header", async () => {
    await writeFile(file, JSON.stringify({ version: 2, generation: 5, calls: {} }));
    await writeFile(`${file}.journal`, '{"watermark":"2025-11-20T09:00:00.000Z"}\n');
    const { store, replayed } = await openStore();
    expect(replayed).toBe(0);
    expect(store.watermark).toBeNull();
  });
});

describe("a journal line that is well-formed but leaves what the state file cannot hold", () => {
  it.each([
    ["an unknown status and a negative attempt count", '{"sid":"sid-a","set":{"status":"finished","attempts":-1}}', "line 3 (call sid-a, status)"],
    ["a removed step", '{"sid":"sid-a","set":{},"unset":["step"]}', "line 3 (call sid-a, step)"],
    ["a start time that is not one", '{"sid":"sid-a","set":{"startedAt":"soon"}}', "line 3 (call sid-a, startedAt)"],
    ["a call first seen in the journal with a status there is none of", '{"sid":"sid-new","set":{"status":"maybe"}}', "line 3 (call sid-new, status)"],
    ["a watermark that is not a time", '{"watermark":"yesterday"}', "line 3 (watermark)"],
    ["a contact remembered at no time", '{"contact":{"phone":"+919988776655","id":"1","at":"never"}}', "line 3 (contact +919988776655, at)"],
  ])("refuses %s, naming the journal, the line and the field, and writes neither file", async (_label, bad, field) => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "recording" });
    await crash(store);
    const journal = `${file}.journal`;
    // A later, valid line on the same call does not hide the bad one.
    const text = `${await readFile(journal, "utf8")}${bad}\n{"sid":"sid-a","set":{"reason":"later"}}\n`;
    await writeFile(journal, text);
    const before = await readFile(file, "utf8");

    const error = await StateStore.open(file, OPTIONS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).file).toBe(journal);
    expect((error as InputError).problems.map((p) => p.field)[0]).toBe(field);
    expect((error as InputError).problems[0]?.fix).toContain(`move ${journal} aside`);
    expect(await readFile(journal, "utf8")).toBe(text);
    expect(await readFile(file, "utf8")).toBe(before);
    expect(await StateStore.open(file, OPTIONS).catch((e: unknown) => (e as InputError).file)).toBe(journal);
  });

  it("accepts a call that a later line mends", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "recording" });
    await crash(store);
    await appendFile(`${file}.journal`, '{"sid":"sid-a","set":{"attempts":-1}}\n{"sid":"sid-a","set":{"attempts":2}}\n');
    const { store: reopened } = await openStore();
    expect(reopened.get("sid-a")?.attempts).toBe(2);
  });
});

describe("a step whose save failed", () => {
  it("is saved with the next step, so a restart neither loses it nor repeats the write it recorded", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "contact", plan: "ticket", contactId: "c1" });
    await store.update("sid-a", { intent: { kind: "ticket", at: iso(0) } });
    failJournalWrites(store, 1);
    const ticket = { id: "T1", number: "101", webUrl: null };
    await expect(store.update("sid-a", { step: "ticket", ticket, intent: null })).rejects.toThrow(`${file}.journal could not be written: ENOSPC`);
    await store.update("sid-a", { intent: { kind: "comment", part: 1, at: iso(0) } });
    expect((await readState()).calls["sid-a"]).toMatchObject({ step: "ticket", ticket });
    await crash(store);

    const { store: reopened } = await openStore();
    expect(reopened.get("sid-a")).toMatchObject({ step: "ticket", ticket, intent: { kind: "comment", part: 1 } });
  });

  it("makes the steps after it fail too while the whole state cannot be saved either, and saves them all once it can", async () => {
    const { store } = await openStore();
    failJournalWrites(store, 1);
    await expect(store.update("sid-a", { step: "recording" })).rejects.toThrow("ENOSPC");
    let diskFull = true;
    failFileCreation(() => diskFull);
    await expect(store.update("sid-b", { step: "recording" })).rejects.toThrow(`${file} could not be written: ENOSPC`);
    await expect(store.update("sid-c", { step: "recording" })).rejects.toThrow("ENOSPC");
    diskFull = false;
    await store.update("sid-d", { step: "recording" });
    const state = await readState();
    expect(Object.keys(state.calls).sort()).toEqual(["sid-a", "sid-b", "sid-c", "sid-d"]);
    expect(await readFile(`${file}.journal`, "utf8")).toBe(`{"generation":${state.generation}}\n`);
  });
});

describe("a fold that fails part-way", () => {
  it("when the new journal cannot be written after the state file was replaced, still saves the next step where a restart finds it", async () => {
    const { store } = await openStore();
    for (let i = 0; i < 20; i++) await store.update(`sid-${i}`, { step: "recording", reason: "x".repeat(50) });
    const open = fsp.open.bind(fsp);
    let failures = 1;
    vi.spyOn(fsp, "open").mockImplementation(async (target, flags, mode) => {
      const handle = await open(target, flags, mode);
      if (String(target).includes(".journal") && flags === "w") {
        const write = handle.write.bind(handle) as (...args: unknown[]) => Promise<unknown>;
        (handle as unknown as { write: typeof write }).write = async (...args) => {
          if (failures-- > 0) throw diskError("EIO", "write");
          return write(...args);
        };
      }
      return handle;
    });
    await expect(store.compact()).rejects.toThrow("EIO");
    await store.update("sid-z", { step: "transcript" });
    await crash(store);

    const { store: reopened } = await openStore();
    expect(reopened.get("sid-z")?.step).toBe("transcript");
    expect(reopened.get("sid-19")?.step).toBe("recording");
  });

  it("when killed after the state file was replaced but before the new journal was, starts from the file, whose generation is newer", async () => {
    const { store } = await openStore();
    for (let i = 0; i < 3; i++) await store.update(`sid-${i}`, { step: "recording" });
    const rename = fsp.rename.bind(fsp);
    vi.spyOn(fsp, "rename").mockImplementation(async (from, to) => {
      if (to === store.journalFile) throw diskError("EIO", "rename");
      return rename(from, to);
    });
    await expect(store.compact()).rejects.toThrow("EIO");
    const journalHeader = JSON.parse((await readFile(store.journalFile, "utf8")).split("\n")[0]!) as { generation: number };
    expect(journalHeader.generation).toBeLessThan((await readState()).generation);
    open.splice(open.indexOf(store), 1);
    vi.restoreAllMocks();

    const reopened = await openStore();
    expect(reopened.replayed).toBe(0);
    expect(reopened.store.entries().map(([sid]) => sid).sort()).toEqual(["sid-0", "sid-1", "sid-2"]);
  });

  it("when the journal cannot be replaced (a virus scanner holding it), keeps saving later steps", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "recording" });
    const journal = `${file}.journal`;
    let held = true;
    const busy = () => diskError("EBUSY", "resource busy or locked");
    const open = fsp.open.bind(fsp);
    vi.spyOn(fsp, "open").mockImplementation(async (target, flags, mode) => {
      if (held && target === journal && flags === "w") throw busy();
      return open(target, flags, mode);
    });
    const rename = fsp.rename.bind(fsp);
    vi.spyOn(fsp, "rename").mockImplementation(async (from, to) => {
      if (held && to === journal) throw busy();
      return rename(from, to);
    });
    await expect(store.compact()).rejects.toThrow(`${journal} could not be written: EBUSY`);
    held = false;
    await store.update("sid-b", { step: "recording" });
    await store.update("sid-c", { step: "recording" });
    await crash(store);

    const { store: reopened } = await openStore();
    expect(reopened.entries().map(([sid]) => sid).sort()).toEqual(["sid-a", "sid-b", "sid-c"]);
  });

  it("waits out a journal held for a moment, as it does for the state file", async () => {
    const { store } = await openStore();
    const journal = `${file}.journal`;
    let busy = 2;
    const rename = fsp.rename.bind(fsp);
    vi.spyOn(fsp, "rename").mockImplementation(async (from, to) => {
      if (to === journal && busy-- > 0) throw diskError("EPERM", "rename");
      return rename(from, to);
    });
    await store.update("sid-a", { step: "recording" });
    await store.compact();
    expect((await readState()).calls["sid-a"]?.step).toBe("recording");
    expect(await readFile(journal, "utf8")).toBe(`{"generation":${(await readState()).generation}}\n`);
  });

  it("ignores a new journal a crash left half-made, and leaves none behind", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "recording" });
    await crash(store);
    const generation = (await readState()).generation;
    await writeFile(store.nextJournalFile, `{"generation":${generation + 1}}\n{"sid":"sid-b","set":{"step":"recording"}}\n`);

    const { store: reopened } = await openStore();
    expect(reopened.get("sid-a")?.step).toBe("recording");
    expect(reopened.get("sid-b")).toBeUndefined();
    expect(await exists(store.nextJournalFile)).toBe(false);
  });
});

describe("compaction", () => {
  it("prunes done and skipped calls past retention but keeps pending and failed ones", async () => {
    const snapshot: StateSnapshot = {
      version: 2,
      generation: 0,
      watermark: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
      calls: {
        "done-old": call("done", 46 * DAY),
        "skipped-old": call("skipped", 46 * DAY),
        "pending-old": call("pending", 90 * DAY),
        "failed-old": call("failed", 90 * DAY),
        "done-recent": call("done", 44 * DAY),
        "legacy-old": { status: "done", step: "done", attempts: 0, startedAt: null, firstSeenAt: iso(-50 * DAY), updatedAt: iso(-50 * DAY), doneAt: iso(-50 * DAY), legacy: true },
      },
      contacts: { "+910000000001": { id: "1", at: iso(-46 * DAY) }, "+910000000002": { id: "2", at: iso(-1 * DAY) } },
    };
    await writeFile(file, JSON.stringify(snapshot));
    const { store } = await openStore();
    expect(store.entries().map(([sid]) => sid).sort()).toEqual(["done-recent", "failed-old", "pending-old"]);
    const state = await readState();
    expect(Object.keys(state.calls).sort()).toEqual(["done-recent", "failed-old", "pending-old"]);
    expect(Object.keys(state.contacts)).toEqual(["+910000000002"]);
  });

  it("keeps an old done call that started inside the overlap before the watermark (the poller still sees it)", async () => {
    const watermark = iso(-50 * DAY);
    const snapshot: StateSnapshot = {
      version: 2,
      generation: 0,
      watermark,
      updatedAt: NOW.toISOString(),
      calls: { inside: call("done", 46 * DAY, { startedAt: iso(-50 * DAY - 3_600_000) }), outside: call("done", 46 * DAY, { startedAt: iso(-50 * DAY - 5 * 3_600_000) }) },
      contacts: {},
    };
    await writeFile(file, JSON.stringify(snapshot));
    const { store } = await openStore();
    expect(store.entries().map(([sid]) => sid)).toEqual(["inside"]);
  });

  it("leaves only the generation header in the journal after close", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { status: "done", step: "done", doneAt: iso(0) });
    open.splice(open.indexOf(store), 1);
    await store.close();
    expect((await readState()).calls["sid-a"]?.status).toBe("done");
    expect(await readFile(`${file}.journal`, "utf8")).toBe('{"generation":2}\n');
  });

  it("compacts on its own once the journal outgrows the threshold", async () => {
    const { store } = await openStore({ ...OPTIONS, compactMinBytes: 200 });
    for (let i = 0; i < 10; i++) await store.update(`sid-${i}`, { step: "recording" });
    await store.update("sid-last", { step: "recording" });
    expect((await readState()).generation).toBeGreaterThan(1);
    const journal = await readFile(`${file}.journal`, "utf8");
    expect(journal.length).toBeLessThan(1000);
  });
});

describe("keeping the state file current (foldShare)", () => {
  it("folds a step into the state file soon after it is saved, then again after a pause as long as the fold took, over the share", async () => {
    const { store } = await openStore({ ...OPTIONS, foldShare: 0.5 });
    await store.update("sid-a", { step: "recording" });
    await waitFor(async () => (await readState()).calls["sid-a"]?.step === "recording");
    await store.update("sid-a", { step: "transcript" });
    await waitFor(async () => (await readState()).calls["sid-a"]?.step === "transcript");
    // The fold replaces the file first and the journal after it.
    await waitFor(async () => /^\{"generation":\d+\}\n$/.test(await readFile(`${file}.journal`, "utf8")));
  });

  it("waits foldDelayMs after a change, so the steps saved meanwhile share one fold", async () => {
    const { store } = await openStore({ ...OPTIONS, foldShare: 0.5, foldDelayMs: 1_000 });
    const generation = (await readState()).generation;
    await store.update("sid-a", { step: "recording" });
    await store.update("sid-a", { step: "transcript" });
    await store.update("sid-b", { step: "recording" });
    expect((await readState()).calls["sid-a"]).toBeUndefined();
    await waitFor(async () => (await readState()).calls["sid-b"]?.step === "recording");
    const state = await readState();
    expect(state.calls["sid-a"]?.step).toBe("transcript");
    expect(state.generation).toBe(generation + 1);
  });

  it("folds a large file only once the journal holds a sixty-fourth of it, so a long history does not make each step dearer", async () => {
    const calls: Record<string, CallState> = {};
    for (let i = 0; i < 6_000; i++) calls[`old-${i}`] = call("done", 86_400_000, { ticket: { id: `${i}`.padStart(18, "7"), number: `${i}`, webUrl: null } });
    await writeFile(file, JSON.stringify({ version: 2, generation: 1, watermark: null, calls, contacts: {} }, null, 1));
    const { store } = await openStore({ ...OPTIONS, foldShare: 0.5 });
    const size = (await readFile(file)).length;
    expect(size).toBeGreaterThan(1024 * 1024);
    const generation = (await readState()).generation;
    await store.update("sid-a", { step: "recording" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await readState()).generation).toBe(generation);
    let updates = 1;
    while ((await readFile(`${file}.journal`)).length < size / 64) await store.update(`sid-${updates++}`, { step: "recording" });
    await store.update(`sid-${updates++}`, { step: "recording" });
    await waitFor(async () => (await readState()).generation > generation);
    expect((await readState()).calls["sid-a"]?.step).toBe("recording");
    expect(updates).toBeGreaterThan(50);
  });

  it("leaves the file to the journal when unset", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "recording" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await readState()).calls["sid-a"]).toBeUndefined();
  });
});

describe("pending()", () => {
  it("tracks status changes", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "discovered" });
    await store.update("sid-b", { status: "pending" });
    expect(store.pending().map(([sid]) => sid).sort()).toEqual(["sid-a", "sid-b"]);
    await store.update("sid-a", { status: "done", step: "done" });
    await store.update("sid-b", { status: "failed", lastError: "boom" });
    expect(store.pending()).toEqual([]);
    await store.update("sid-b", { status: "pending", attempts: 0 });
    expect(store.pending().map(([sid, entry]) => [sid, entry.status])).toEqual([["sid-b", "pending"]]);
  });

  it("starts with the pending calls of the state file", async () => {
    await writeFile(file, JSON.stringify({ version: 2, calls: { a: call("pending", 0), b: call("done", 0), c: call("failed", 0), d: call("skipped", 0) } }));
    const { store } = await openStore();
    expect(store.pending().map(([sid]) => sid)).toEqual(["a"]);
  });
});

describe("update", () => {
  it("creates a new call as pending at the first step", async () => {
    const { store } = await openStore();
    expect(await store.update("sid-a", {})).toEqual({ status: "pending", step: "discovered", attempts: 0, startedAt: null, firstSeenAt: NOW.toISOString(), updatedAt: NOW.toISOString() });
  });
});

describe("StateStore.inspect", () => {
  it("reads the file and journal without writing either", async () => {
    const { store } = await openStore();
    await store.update("sid-a", { step: "recording" });
    await crash(store);
    const stateBefore = await readFile(file, "utf8");
    const journalBefore = await readFile(`${file}.journal`, "utf8");
    const inspected = await StateStore.inspect(file);
    expect(inspected.get("sid-a")?.step).toBe("recording");
    expect(await readFile(file, "utf8")).toBe(stateBefore);
    expect(await readFile(`${file}.journal`, "utf8")).toBe(journalBefore);
  });
});
