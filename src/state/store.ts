import { promises as fs } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { fileMode, renameOver, syncDirectory, writeFileAtomic } from "../lib/atomic-file.js";
import { errorMessage, InputError, type InputProblem } from "../lib/errors.js";
import { parseJsonFile } from "../lib/json-file.js";
import { emptySnapshot, readSnapshot } from "./migration.js";
import { JournalLineSchema, SnapshotSchema, type CallState, type ContactMemo, type JournalLine, type StateSnapshot } from "./model.js";

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

type QueuedLine = { text: string } & Waiter;

/** Every journal line but the generation header: a change to the state. */
type JournalChange = Exclude<JournalLine, { generation: number }>;

interface ReplayedLine {
  lineNumber: number;
  change: JournalChange;
}

/** Names the file a write failed on, keeping the system's error code for whoever checks it. */
function couldNotWrite(file: string, error: unknown): Error {
  const named = new Error(`${file} could not be written: ${errorMessage(error)}`, { cause: error });
  const code = (error as NodeJS.ErrnoException).code;
  return code === undefined ? named : Object.assign(named, { code });
}

function touches(change: JournalChange, section: string | undefined, key: string | undefined): boolean {
  if ("sid" in change) return section === "calls" && change.sid === key;
  if ("contact" in change) return section === "contacts" && change.contact.phone === key;
  return section === "watermark";
}

/**
 * The line to blame for a field the replayed journal left wrong: the last one that set or removed
 * that field, else the last one that touched its call, contact or the watermark.
 */
function culpritLine(replayed: ReplayedLine[], [section, key, field]: string[]): number {
  const touching = replayed.filter(({ change }) => touches(change, section, key));
  const setting = touching.filter(({ change }) => !("sid" in change) || field === undefined || field in change.set || (change.unset ?? []).includes(field));
  return (setting.at(-1) ?? touching.at(-1))?.lineNumber ?? 0;
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
  /** Where each fold makes the next journal before renaming it over the current one; a crash may leave it behind, and the next fold overwrites it. */
  readonly nextJournalFile: string;
  private journal: FileHandle | null = null;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private queued: QueuedLine[] = [];
  private compactWaiters: Waiter[] = [];
  private compactWanted = false;
  private draining: Promise<void> | null = null;
  /**
   * The journal on disk may lack changes the memory holds: an append failed, or a fold stopped
   * between replacing the file and putting the new journal in place (the next start ignores a
   * journal older than the file). Lines appended now could replay onto a state without those
   * changes, so the next batch is saved by a full fold instead, until one succeeds.
   */
  private foldOwed = false;
  private closed = false;
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
    this.nextJournalFile = path.join(path.dirname(file), `.${path.basename(this.journalFile)}.next`);
    this.now = options.now ?? (() => new Date());
  }

  private track(sid: string, entry: CallState | undefined): void {
    if (entry?.status === "pending") this.pendingSids.add(sid);
    else this.pendingSids.delete(sid);
  }

  /** Reads the state file and its journal, migrating the predecessor's format; never rewrites a file it cannot read. */
  static async open(file: string, options: StoreOptions): Promise<{ store: StateStore; migratedFrom: "v1" | null; replayed: number }> {
    const { store, migratedFrom, text } = await StateStore.load(file, options);
    // Before anything is written: a journal the file could not hold stops the program here.
    const replayed = await store.replayJournal();
    if (migratedFrom && text !== null) {
      await fs.writeFile(`${file}.v1-backup`, text, { flag: "wx" }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
      });
    }
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
    try {
      await this.compact();
    } finally {
      this.closed = true;
      await this.closeJournal();
    }
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
        await this.saveBatch(this.queued.splice(0));
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

  /** Saves a batch of lines with one write and one fsync, or by a full fold while `foldOwed` is set. */
  private async saveBatch(batch: QueuedLine[]): Promise<void> {
    if (this.closed) {
      batch.forEach((b) => b.reject(new Error(`${this.journalFile} is closed`)));
      return;
    }
    if (this.foldOwed) {
      await this.saveByFold(batch);
      return;
    }
    try {
      await this.appendToJournal(batch.map((b) => b.text).join(""));
    } catch (error) {
      // The batch is in memory but maybe not on disk. Nothing more goes into this journal, so a
      // piece of a line the failed write may have left stays its torn last line, which replay ignores.
      this.foldOwed = true;
      const named = couldNotWrite(this.journalFile, error);
      batch.forEach((b) => b.reject(named));
      return;
    }
    batch.forEach((b) => b.resolve());
    this.scheduleFold();
  }

  private async appendToJournal(text: string): Promise<void> {
    if (!this.journal) throw new Error("the journal is not open");
    await this.journal.write(text, this.journalBytes, "utf8");
    await this.journal.datasync();
    this.journalBytes += Buffer.byteLength(text);
  }

  /** The batch's changes are in memory already, so a fold that succeeds has saved them. */
  private async saveByFold(batch: QueuedLine[]): Promise<void> {
    try {
      await this.writeSnapshot();
    } catch (error) {
      batch.forEach((b) => b.reject(error));
      return;
    }
    batch.forEach((b) => b.resolve());
  }

  /** See `foldShare`: a fold now if it has earned its time, else one timed for when it will have. */
  private scheduleFold(): void {
    const share = this.options.foldShare;
    if (!share || this.foldTimer || this.compactWanted || this.closed) return;
    if (this.snapshotBytes > LARGE_STATE_BYTES && this.journalBytes < this.snapshotBytes * LARGE_STATE_JOURNAL_SHARE) return;
    const waitMs = Math.max(this.options.foldDelayMs ?? 0, this.lastFoldEndedAt + this.lastFoldMs / share - Date.now());
    if (waitMs <= 0) {
      this.compactWanted = true;
      return;
    }
    this.foldTimer = setTimeout(() => {
      this.foldTimer = null;
      if (this.closed) return;
      this.compactWanted = true;
      this.kick();
    }, waitMs);
    this.foldTimer.unref();
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
    // From the moment the file is replaced until the new journal is in place, a line appended to
    // the old journal would be lost: the next start takes its older generation as folded in.
    this.foldOwed = true;
    this.prune();
    this.state.generation += 1;
    this.state.updatedAt = this.now().toISOString();
    const text = `${JSON.stringify(this.state, null, 1)}\n`;
    await writeFileAtomic(this.file, text).catch((error: unknown) => {
      throw couldNotWrite(this.file, error);
    });
    this.snapshotBytes = Buffer.byteLength(text);
    await this.replaceJournal().catch((error: unknown) => {
      throw couldNotWrite(this.journalFile, error);
    });
    this.foldOwed = false;
  }

  /**
   * Puts a journal holding only the new generation's header in place of the old one. It is made
   * beside it and renamed over it, so whatever fails, the journal on disk is whole, and the one
   * in memory is either the new one with its true size or none at all.
   */
  private async replaceJournal(): Promise<void> {
    const header = `${JSON.stringify({ generation: this.state.generation })}\n`;
    const next = await fs.open(this.nextJournalFile, "w", await fileMode(this.journalFile));
    try {
      await next.write(header, 0, "utf8");
      await next.datasync();
      // Windows may refuse to replace a file that is still open; the old journal takes no more lines anyway.
      await this.closeJournal();
      await renameOver(this.nextJournalFile, this.journalFile);
      await syncDirectory(path.dirname(this.journalFile));
    } catch (error) {
      await next.close().catch(() => undefined);
      await fs.rm(this.nextJournalFile, { force: true }).catch(() => undefined);
      throw error;
    }
    this.journal = next;
    this.journalBytes = Buffer.byteLength(header);
  }

  private async closeJournal(): Promise<void> {
    const journal = this.journal;
    this.journal = null;
    await journal?.close().catch(() => undefined);
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

  /** Applies the journal's changes; a torn last line (a crash mid-write) was never acknowledged and is ignored. */
  private async replayJournal(): Promise<number> {
    const text = await this.readJournal();
    if (text === null) return 0;
    // The part after the last newline is either empty or a line torn by a crash mid-write.
    const complete = text.split("\n").slice(0, -1);
    const replayed: ReplayedLine[] = [];
    for (const [index, raw] of complete.entries()) {
      if (raw.trim() === "") continue;
      const line = this.parseJournalLine(raw, index + 1);
      if ("generation" in line) {
        if (index === 0 && line.generation !== this.state.generation) return 0;
        continue;
      }
      if (index === 0) return 0;
      this.apply(line);
      replayed.push({ lineNumber: index + 1, change: line });
    }
    this.checkReplayed(replayed);
    return replayed.length;
  }

  private async readJournal(): Promise<string | null> {
    try {
      return await fs.readFile(this.journalFile, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  private parseJournalLine(raw: string, lineNumber: number): JournalLine {
    try {
      return JournalLineSchema.parse(JSON.parse(raw));
    } catch {
      throw new InputError(this.journalFile, [
        {
          field: `line ${lineNumber}`,
          problem: "is damaged (not a journal entry this program wrote).",
          fix: `move ${this.journalFile} aside to start from ${this.file} alone (the steps recorded after the last save are then redone).`,
        },
      ]);
    }
  }

  /**
   * A line can be well-formed and still leave what the state file could not hold (a negative
   * attempt count, a call without a step). Folded in, it would overwrite the user's good file and
   * the next start would blame that file. So what the replay touched is checked with the file's
   * own schema before anything is written; only what it touched, so a start costs the journal's
   * length, not the history's.
   */
  private checkReplayed(replayed: ReplayedLine[]): void {
    const result = SnapshotSchema.safeParse(this.touchedBy(replayed));
    if (result.success) return;
    throw new InputError(
      this.journalFile,
      result.error.issues.slice(0, 10).map((issue) => this.replayProblem(issue.path.map(String), issue.message, replayed)),
      `${this.journalFile} leaves what ${this.file} cannot hold; the program did not start and left both files untouched:`,
    );
  }

  /** The calls and contacts the replayed lines changed, with the watermark, shaped as a state file. */
  private touchedBy(replayed: ReplayedLine[]): StateSnapshot {
    const calls: Record<string, CallState> = {};
    const contacts: Record<string, ContactMemo> = {};
    for (const { change } of replayed) {
      if ("sid" in change) calls[change.sid] = this.state.calls[change.sid]!;
      else if ("contact" in change) contacts[change.contact.phone] = this.state.contacts[change.contact.phone]!;
    }
    return { ...this.state, calls, contacts };
  }

  private replayProblem(issuePath: string[], message: string, replayed: ReplayedLine[]): InputProblem {
    const [section, key, ...field] = issuePath;
    const subject = section === "calls" ? `call ${key}` : section === "contacts" ? `contact ${key}` : section;
    const where = [subject, field.join(".")].filter(Boolean).join(", ");
    return {
      field: `line ${culpritLine(replayed, issuePath)} (${where})`,
      problem: `${message}.`,
      fix:
        `correct that line by hand, or move ${this.journalFile} aside to start from ${this.file} alone: the steps recorded ` +
        "since the last save are then done again, and a ticket or note made in that time may be made a second time.",
    };
  }

  private apply(line: JournalChange): void {
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
