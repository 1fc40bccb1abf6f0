import { promises as fs } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { writeFileAtomic } from "../lib/atomic-file.js";
import { InputError } from "../lib/errors.js";
import { parseJsonFile } from "../lib/json-file.js";
import { emptySnapshot, readSnapshot } from "./migration.js";
import { JournalLineSchema, type CallState, type ContactMemo, type JournalLine, type StateSnapshot } from "./model.js";

export interface StoreOptions {
  retentionDays: number;
  /** Done calls started within this much before the watermark are kept whatever their age: the poller still sees them. */
  overlapMs: number;
  now?: () => Date;
  /** The journal is folded into the state file once it outgrows the file or this many bytes. */
  compactMinBytes?: number;
  /**
   * Keeps the state file itself current while the program runs: after a change, the journal is
   * folded in once the time since the last fold is at least that fold's duration divided by this
   * share (0.01: folding takes at most 1 % of the time), and no sooner than `foldDelayMs` after
   * that change. A file larger than LARGE_STATE_BYTES also waits until the journal holds a
   * sixty-fourth of its size, so its folds stay a small part of the work they record. Off when unset.
   */
  foldShare?: number;
  /**
   * How long a change waits before it is folded in, so the steps of the calls in flight share one
   * fold instead of each paying for its own (a fold fsyncs two files and a folder, whatever it
   * holds). With 2,000 a small file is current within about two seconds of each step. Default 0.
   */
  foldDelayMs?: number;
}

/**
 * Up to this size (a couple of thousand calls) rewriting the state file takes milliseconds and
 * it is kept current within `foldDelayMs`. A larger one takes up to a second (50,000 calls: 30 MB);
 * folding it after every few steps would make a poll cost more the longer the history, so it
 * waits for journal bytes worth a sixty-fourth of the file: about 200 calls at 50,000.
 */
const LARGE_STATE_BYTES = 1024 * 1024;
const LARGE_STATE_JOURNAL_SHARE = 1 / 64;

/** A call the state has not seen before: pending at the first step. */
function newCall(at: string): CallState {
  return { status: "pending", step: "discovered", attempts: 0, startedAt: null, firstSeenAt: at, updatedAt: at };
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * processed_calls.json and its journal. The state file is a complete version-2 object, replaced
 * atomically; each step's result is appended to `<file>.journal` and fsynced before the step
 * counts as done, so saving a step costs the same whether the file holds 50 calls or 50,000. The
 * journal is folded back into the file at start, at shutdown, and whenever it grows as large as
 * the file itself.
 */
export class StateStore {
  readonly journalFile: string;
  private journal: FileHandle | null = null;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private queued: Array<{ text: string } & Waiter> = [];
  private compactWaiters: Waiter[] = [];
  private compactWanted = false;
  private draining: Promise<void> | null = null;
  /** Set when a failed append could not be taken back out of the journal: no more writes until a restart. */
  private broken: Error | null = null;
  private lastFoldMs = 0;
  private lastFoldEndedAt = 0;
  private foldTimer: NodeJS.Timeout | null = null;
  private readonly now: () => Date;
  /** SIDs of pending calls, so a poll need not walk the whole history to find them. */
  private readonly pendingSids = new Set<string>();

  private constructor(
    readonly file: string,
    private readonly state: StateSnapshot,
    private readonly options: StoreOptions,
  ) {
    this.journalFile = `${file}.journal`;
    this.now = options.now ?? (() => new Date());
  }

  private track(sid: string, entry: CallState | undefined): void {
    if (entry?.status === "pending") this.pendingSids.add(sid);
    else this.pendingSids.delete(sid);
  }

  /** Reads the state file and its journal, migrating the predecessor's format; never rewrites a file it cannot read. */
  static async open(file: string, options: StoreOptions): Promise<{ store: StateStore; migratedFrom: "v1" | null; replayed: number }> {
    const { store, migratedFrom, text } = await StateStore.load(file, options);
    if (migratedFrom && text !== null) {
      await fs.writeFile(`${file}.v1-backup`, text, { flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
      });
    }
    const replayed = await store.replayJournal();
    await store.openJournal();
    await store.compact();
    return { store, migratedFrom, replayed };
  }

  /** Reads the state as it stands (file and journal) without the lock and without writing: for `status`. */
  static async inspect(file: string): Promise<StateStore> {
    const { store } = await StateStore.load(file, { retentionDays: Infinity, overlapMs: 0 });
    await store.replayJournal();
    return store;
  }

  private static async load(file: string, options: StoreOptions) {
    const now = (options.now ?? (() => new Date()))();
    let text: string | null = null;
    try {
      text = await fs.readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new InputError(file, [{ field: "file", problem: `cannot be read (${(error as Error).message}).`, fix: "check the file's permissions." }]);
      }
    }
    const { snapshot, migratedFrom } = text === null ? { snapshot: emptySnapshot(now), migratedFrom: null } : readSnapshot(file, parseJsonFile(file, text), now);
    const store = new StateStore(file, snapshot, options);
    for (const [sid, entry] of Object.entries(snapshot.calls)) store.track(sid, entry);
    return { store, migratedFrom, text };
  }

  get watermark(): Date | null {
    return this.state.watermark ? new Date(this.state.watermark) : null;
  }

  get size(): number {
    return Object.keys(this.state.calls).length;
  }

  get(sid: string): Readonly<CallState> | undefined {
    return this.state.calls[sid];
  }

  entries(): Array<[string, Readonly<CallState>]> {
    return Object.entries(this.state.calls);
  }

  /** Pending calls only; costs the number of pending calls, not the size of the history. */
  pending(): Array<[string, Readonly<CallState>]> {
    return [...this.pendingSids].map((sid) => [sid, this.state.calls[sid]!] as [string, CallState]);
  }

  contact(phone: string): ContactMemo | undefined {
    return this.state.contacts[phone];
  }

  /** Changes one call and returns once the change is on disk. */
  async update(sid: string, set: Partial<CallState>, unset: readonly string[] = []): Promise<Readonly<CallState>> {
    const updatedAt = this.now().toISOString();
    const change = { ...set, updatedAt };
    const entry = (this.state.calls[sid] ??= newCall(updatedAt));
    Object.assign(entry, change);
    for (const key of unset) delete (entry as unknown as Record<string, unknown>)[key];
    this.track(sid, entry);
    const line: JournalLine = unset.length > 0 ? { sid, set: change, unset: [...unset] } : { sid, set: change };
    await this.append(line);
    return entry;
  }

  async setWatermark(at: Date): Promise<void> {
    this.state.watermark = at.toISOString();
    await this.append({ watermark: this.state.watermark });
  }

  async rememberContact(phone: string, id: string): Promise<void> {
    const memo = { id, at: this.now().toISOString() };
    this.state.contacts[phone] = memo;
    await this.append({ contact: { phone, ...memo } });
  }

  /** Folds the journal into the state file, dropping calls past retention. */
  compact(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.compactWaiters.push({ resolve, reject });
      this.compactWanted = true;
      this.kick();
    });
  }

  async close(): Promise<void> {
    if (this.foldTimer) clearTimeout(this.foldTimer);
    this.foldTimer = null;
    await this.compact();
    await this.journal?.close();
    this.journal = null;
  }

  private append(line: JournalLine): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queued.push({ text: `${JSON.stringify(line)}\n`, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
      if (this.queued.length > 0 || this.compactWanted) this.kick();
    });
  }

  /** One writer: appends are batched into one write and one fsync (group commit); compaction runs between batches. */
  private async drain(): Promise<void> {
    while (this.queued.length > 0 || this.compactWanted) {
      if (this.queued.length > 0) {
        const batch = this.queued.splice(0);
        const text = batch.map((b) => b.text).join("");
        try {
          if (this.broken) throw this.broken;
          if (!this.journal) throw new Error("state journal is closed");
          // At the acknowledged end, not the file position: after a failed write that is where the next line goes.
          await this.journal.write(text, this.journalBytes, "utf8");
          await this.journal.datasync();
          this.journalBytes += Buffer.byteLength(text);
          batch.forEach((b) => b.resolve());
          this.scheduleFold();
        } catch (error) {
          await this.undoFailedAppend(error);
          batch.forEach((b) => b.reject(error));
        }
        if (this.journalBytes > Math.max(this.options.compactMinBytes ?? 256 * 1024, this.snapshotBytes)) this.compactWanted = true;
        continue;
      }
      this.compactWanted = false;
      const waiters = this.compactWaiters.splice(0);
      try {
        await this.writeSnapshot();
        waiters.forEach((w) => w.resolve());
      } catch (error) {
        waiters.forEach((w) => w.reject(error));
      }
    }
  }

  /** See `foldShare`: a fold now if it has earned its time, else one timed for when it will have. */
  private scheduleFold(): void {
    const share = this.options.foldShare;
    if (!share || this.foldTimer || this.compactWanted || !this.journal) return;
    if (this.snapshotBytes > LARGE_STATE_BYTES && this.journalBytes < this.snapshotBytes * LARGE_STATE_JOURNAL_SHARE) return;
    const waitMs = Math.max(this.options.foldDelayMs ?? 0, this.lastFoldEndedAt + this.lastFoldMs / share - Date.now());
    if (waitMs <= 0) {
      this.compactWanted = true;
      return;
    }
    this.foldTimer = setTimeout(() => {
      this.foldTimer = null;
      if (!this.journal) return;
      this.compactWanted = true;
      this.kick();
    }, waitMs);
    this.foldTimer.unref();
  }

  /**
   * A write that failed part-way (a full disk, say) may have left a piece of a line in the journal.
   * Later lines must not land after it: the next start would find a damaged line in the middle
   * and refuse to run. So the journal is cut back to its last acknowledged byte.
   */
  private async undoFailedAppend(error: unknown): Promise<void> {
    if (this.broken || !this.journal) return;
    try {
      await this.journal.truncate(this.journalBytes);
      await this.journal.datasync();
    } catch (truncateError) {
      const reason = (truncateError as Error).message ?? String(truncateError);
      this.broken = new Error(
        `${this.journalFile} could not be written (${(error as Error).message ?? String(error)}) nor repaired (${reason}); restart the program once the disk is fixed`,
      );
    }
  }

  private async writeSnapshot(): Promise<void> {
    const started = performance.now();
    try {
      await this.foldJournal();
    } finally {
      this.lastFoldMs = performance.now() - started;
      this.lastFoldEndedAt = Date.now();
    }
  }

  private async foldJournal(): Promise<void> {
    this.prune();
    this.state.generation += 1;
    this.state.updatedAt = this.now().toISOString();
    const text = `${JSON.stringify(this.state, null, 1)}\n`;
    await writeFileAtomic(this.file, text);
    this.snapshotBytes = Buffer.byteLength(text);
    // Crash here and the journal's older generation tells the next start it is already folded in.
    await this.journal?.close();
    this.journal = await fs.open(this.journalFile, "w");
    const header = `${JSON.stringify({ generation: this.state.generation })}\n`;
    await this.journal.write(header);
    await this.journal.datasync();
    this.journalBytes = Buffer.byteLength(header);
  }

  private prune(): void {
    const now = this.now().getTime();
    const retentionMs = this.options.retentionDays * 86_400_000;
    const watermark = this.state.watermark ? Date.parse(this.state.watermark) : now;
    for (const [sid, entry] of Object.entries(this.state.calls)) {
      if (entry.status !== "done" && entry.status !== "skipped") continue;
      const finished = Date.parse(entry.doneAt ?? entry.updatedAt);
      const started = entry.startedAt ? Date.parse(entry.startedAt) : -Infinity;
      if (finished < now - retentionMs && started < watermark - this.options.overlapMs) delete this.state.calls[sid];
    }
    for (const [phone, memo] of Object.entries(this.state.contacts)) {
      if (Date.parse(memo.at) < now - retentionMs) delete this.state.contacts[phone];
    }
  }

  private async openJournal(): Promise<void> {
    this.journal = await fs.open(this.journalFile, "a");
  }

  /** Applies the journal's changes; a torn last line (a crash mid-write) was never acknowledged and is ignored. */
  private async replayJournal(): Promise<number> {
    let text: string;
    try {
      text = await fs.readFile(this.journalFile, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw error;
    }
    // The part after the last newline is either empty or a line torn by a crash mid-write.
    const complete = text.split("\n").slice(0, -1);
    let applied = 0;
    for (const [index, raw] of complete.entries()) {
      if (raw.trim() === "") continue;
      let line: JournalLine;
      try {
        line = JournalLineSchema.parse(JSON.parse(raw));
      } catch {
        throw new InputError(this.journalFile, [
          {
            field: `line ${index + 1}`,
            problem: "is damaged (not a journal entry this program wrote).",
            fix: `move ${this.journalFile} aside to start from ${this.file} alone (the steps recorded after the last save are then redone).`,
          },
        ]);
      }
      if ("generation" in line) {
        if (index === 0 && line.generation !== this.state.generation) return 0;
        continue;
      }
      if (index === 0) return 0;
      this.apply(line);
      applied += 1;
    }
    return applied;
  }

  private apply(line: Exclude<JournalLine, { generation: number }>): void {
    if ("watermark" in line) this.state.watermark = line.watermark;
    else if ("contact" in line) this.state.contacts[line.contact.phone] = { id: line.contact.id, at: line.contact.at };
    else {
      // A call first seen after the last save: made whole the way update() made it, or the folded file would not open again.
      const at = typeof line.set.updatedAt === "string" ? line.set.updatedAt : this.now().toISOString();
      const entry = (this.state.calls[line.sid] ??= newCall(at));
      Object.assign(entry, line.set);
      for (const key of line.unset ?? []) delete (entry as unknown as Record<string, unknown>)[key];
      this.track(line.sid, entry);
    }
  }
}
