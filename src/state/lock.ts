import { promises as fs, readFileSync, rmSync } from "node:fs";
import { hostname } from "node:os";
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

/**
 * One instance per state file. The lock file beside it names its owner's pid; a lock whose owner
 * is gone (killed, power cut) is taken over. The takeover moves the stale file aside first and
 * checks it is still the one it judged stale, so two instances starting at once cannot both win.
 */
export async function acquireStateLock(stateFile: string): Promise<StateLock> {
  const file = `${stateFile}.lock`;
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  let tookOverFrom: number | null = null;
  for (let round = 0; round < 5; round++) {
    try {
      const handle = await fs.open(file, "wx");
      try {
        await handle.writeFile(JSON.stringify(me));
        await handle.sync();
      } finally {
        await handle.close();
      }
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
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = await readOwner(file);
    if (owner && owner.host === me.host && owner.pid !== me.pid && isAlive(owner.pid)) throw new LockHeldError(file, owner.pid);
    if (owner && owner.host !== me.host) throw new LockHeldError(file, owner.pid);
    if (!owner) {
      // Being written right now by a starting instance, or left half-written by a killed one: wait
      // until the file is old enough to judge, then look again (a few short polls gave up before that).
      // A file gone meanwhile needs no wait.
      const age = await fs.stat(file).then((s) => Date.now() - s.mtimeMs, () => Infinity);
      if (age < MID_WRITE_MS) {
        await new Promise((r) => setTimeout(r, MID_WRITE_MS - age));
        continue;
      }
    }
    const aside = `${file}.${process.pid}.stale`;
    try {
      await fs.rename(file, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw error;
    }
    const moved = await readOwner(aside);
    if (moved && owner && (moved.pid !== owner.pid || moved.startedAt !== owner.startedAt)) {
      // We moved a fresh lock another instance had just taken: put it back and give way.
      await fs.rename(aside, file).catch(() => undefined);
      throw new LockHeldError(file, moved.pid);
    }
    await fs.rm(aside, { force: true });
    tookOverFrom = owner?.pid ?? null;
  }
  throw new Error(`Could not take the lock ${file}; remove it if no other instance is running.`);
}
