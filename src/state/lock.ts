import { randomBytes } from "node:crypto";
import { promises as fs, readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { LockHeldError } from "../lib/errors.js";

interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    const data = JSON.parse(await fs.readFile(file, "utf8")) as Partial<LockOwner>;
    return typeof data.pid === "number" ? { pid: data.pid, host: String(data.host ?? ""), startedAt: String(data.startedAt ?? "") } : null;
  } catch {
    return null;
  }
}

function sameOwner(a: LockOwner, b: LockOwner): boolean {
  return a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;
}

/** Milliseconds since the file last changed; Infinity once it is gone. */
async function ageOf(file: string): Promise<number> {
  return fs.stat(file).then(
    (s) => Date.now() - s.mtimeMs,
    () => Infinity,
  );
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** A lock file without a readable owner younger than this may still be being written. */
const MID_WRITE_MS = 2_000;

export interface StateLock {
  file: string;
  /** Set when the lock was taken over from a process that no longer runs. */
  tookOverFrom: number | null;
  release(): Promise<void>;
  /** The same, synchronously, for a process about to exit. */
  releaseSync(): void;
}

async function writeSynced(file: string, text: string, flag: string): Promise<void> {
  const handle = await fs.open(file, flag);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Creates the lock file with its owner already in it, so no other starter ever finds it empty:
 * the owner is written to a file of its own, which is then linked to the lock's name (a link,
 * unlike a rename, fails if the name is taken). False if the lock exists.
 */
async function createLock(file: string, me: LockOwner): Promise<boolean> {
  const draft = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.new`;
  await writeSynced(draft, JSON.stringify(me), "wx");
  try {
    await fs.link(draft, file);
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    // A file system without hard links: create the lock in place, where for a moment it is empty.
    return createLockInPlace(file, me);
  } finally {
    await fs.rm(draft, { force: true });
  }
}

async function createLockInPlace(file: string, me: LockOwner): Promise<boolean> {
  try {
    await writeSynced(file, JSON.stringify(me), "wx");
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  }
}

/**
 * Removes the lock file if it is still the one judged stale. It is moved aside first so that what
 * is checked is what gets removed; a file that proves to be another starter's (taken since, and
 * perhaps not yet written) is put back. True if the stale lock is gone.
 */
async function removeIfStale(file: string, judged: LockOwner | null): Promise<boolean> {
  const aside = `${file}.${process.pid}.stale`;
  try {
    await fs.rename(file, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
  if (await isJudgedLock(aside, judged)) {
    await fs.rm(aside, { force: true });
    return true;
  }
  await putBack(aside, file);
  return false;
}

async function isJudgedLock(moved: string, judged: LockOwner | null): Promise<boolean> {
  const owner = await readOwner(moved);
  if (judged) return owner !== null && sameOwner(owner, judged);
  // Judged for having had no readable owner for long: one without an owner that is young is a new lock being written.
  return owner === null && (await ageOf(moved)) >= MID_WRITE_MS;
}

/** Linked back rather than renamed, so as not to replace a lock a third starter may have taken meanwhile. */
async function putBack(aside: string, file: string): Promise<void> {
  try {
    await fs.link(aside, file);
  } catch (error) {
    if (errorCode(error) !== "EEXIST") {
      await fs.rename(aside, file);
      return;
    }
  }
  await fs.rm(aside, { force: true });
}

function heldLock(file: string, me: LockOwner, tookOverFrom: number | null): StateLock {
  return {
    file,
    tookOverFrom,
    async release() {
      const owner = await readOwner(file);
      if (owner?.pid === me.pid && owner.startedAt === me.startedAt) await fs.rm(file, { force: true });
    },
    releaseSync() {
      try {
        const owner = JSON.parse(readFileSync(file, "utf8")) as Partial<LockOwner>;
        if (owner.pid === me.pid && owner.startedAt === me.startedAt) rmSync(file, { force: true });
      } catch {
        // Already gone or unreadable: nothing of ours to remove.
      }
    },
  };
}

/**
 * One instance per state file. The lock file beside it names its owner's pid; a lock whose owner
 * is gone (killed, power cut) is taken over. The takeover moves the stale file aside first and
 * checks it is still the one it judged stale, so two instances starting at once cannot both win.
 * A lock from another machine is never taken over: its process cannot be checked from here.
 */
export async function acquireStateLock(stateFile: string): Promise<StateLock> {
  const file = `${stateFile}.lock`;
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  let tookOverFrom: number | null = null;
  for (let round = 0; round < 5; round++) {
    if (await createLock(file, me)) return heldLock(file, me, tookOverFrom);
    const owner = await readOwner(file);
    if (owner && owner.host !== me.host) throw new LockHeldError(file, owner.pid, owner.host);
    if (owner && owner.pid !== me.pid && isAlive(owner.pid)) throw new LockHeldError(file, owner.pid);
    if (!owner) {
      // Being written right now by a starting instance, or left half-written by a killed one: wait
      // until the file is old enough to judge, then look again (a few short polls gave up before that).
      // A file gone meanwhile needs no wait.
      const age = await ageOf(file);
      if (age < MID_WRITE_MS) {
        await sleep(MID_WRITE_MS - age);
        continue;
      }
    }
    if (await removeIfStale(file, owner)) tookOverFrom = owner?.pid ?? null;
  }
  throw new Error(`Could not take the lock ${file}; remove it if no other instance is running.`);
}
