import { spawnSync } from "node:child_process";
import { promises as fsp } from "node:fs";
import { mkdtemp, open, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LockHeldError } from "../lib/errors.js";
import { acquireStateLock } from "./lock.js";

let dir: string;
let stateFile: string;
let lockFile: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "state-lock-"));
  stateFile = path.join(dir, "processed_calls.json");
  lockFile = `${stateFile}.lock`;
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function exists(target: string): Promise<boolean> {
  return stat(target).then(
    () => true,
    () => false,
  );
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid;
}

async function writeOwner(owner: { pid: number; host?: string; startedAt?: string }): Promise<void> {
  await writeFile(lockFile, JSON.stringify({ host: hostname(), startedAt: "2025-11-20T10:00:00.000Z", ...owner }));
}

/**
 * Another starter on this machine (a live process: the one that started this test) takes the lock
 * the moment before this one moves the lock file aside, and writes its owner only 100 ms later.
 */
function anotherStarterTakesTheLockFirst(): void {
  const rename = fsp.rename.bind(fsp);
  let taken = false;
  vi.spyOn(fsp, "rename").mockImplementation(async (from, to) => {
    if (from === lockFile && !taken) {
      taken = true;
      await rm(lockFile);
      const handle = await open(lockFile, "wx");
      setTimeout(() => {
        void handle.writeFile(JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: new Date().toISOString() })).finally(() => handle.close());
      }, 100);
    }
    return rename(from, to);
  });
}

describe("acquireStateLock", () => {
  it("writes a lock file beside the state file naming our pid", async () => {
    const lock = await acquireStateLock(stateFile);
    expect(lock.file).toBe(lockFile);
    expect(lock.tookOverFrom).toBeNull();
    expect(JSON.parse(await readFile(lockFile, "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
    await lock.release();
  });

  it("refuses a second instance while the first runs, naming its pid", async () => {
    // Another process on this machine that is alive: the one that started this test.
    await writeOwner({ pid: process.ppid });
    const error = await acquireStateLock(stateFile).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).pid).toBe(process.ppid);
    expect((error as LockHeldError).lockFile).toBe(lockFile);
    expect((error as Error).message).toContain(`pid ${process.ppid}`);
    expect(JSON.parse(await readFile(lockFile, "utf8")).pid).toBe(process.ppid);
  });

  it("refuses a lock held from another machine, whose processes it cannot check, saying to delete it if nothing runs there", async () => {
    const pid = deadPid();
    await writeOwner({ pid, host: "another-host.example" });
    const error = await acquireStateLock(stateFile).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).pid).toBe(pid);
    expect((error as Error).message).toContain(`pid ${pid} on another-host.example`);
    expect((error as Error).message).toContain(`if none runs on another-host.example any more, delete ${lockFile}`);
    expect((error as Error).message).not.toContain("taken over on the next start");
    expect(JSON.parse(await readFile(lockFile, "utf8")).host).toBe("another-host.example");
  });

  it("never opens the lock file itself to write it, where another starter could find it empty", async () => {
    const opened: string[] = [];
    const openFile = fsp.open.bind(fsp);
    vi.spyOn(fsp, "open").mockImplementation(async (target, flags, mode) => {
      opened.push(String(target));
      return openFile(target, flags, mode);
    });
    const lock = await acquireStateLock(stateFile);
    expect(opened).not.toContain(lockFile);
    expect(JSON.parse(await readFile(lockFile, "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it("gives way to a starter that took the lock after this one judged the old owner gone, even before its owner is written", async () => {
    await writeOwner({ pid: deadPid() });
    anotherStarterTakesTheLockFirst();
    const error = await acquireStateLock(stateFile).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).pid).toBe(process.ppid);
    expect(JSON.parse(await readFile(lockFile, "utf8")).pid).toBe(process.ppid);
    expect(await readdir(dir)).toEqual([path.basename(lockFile)]);
  });

  it("gives way to a new lock without an owner yet in place of a damaged one it judged abandoned", async () => {
    await writeFile(lockFile, "");
    const old = new Date(Date.now() - 60_000);
    await utimes(lockFile, old, old);
    anotherStarterTakesTheLockFirst();
    const error = await acquireStateLock(stateFile).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).pid).toBe(process.ppid);
    expect(JSON.parse(await readFile(lockFile, "utf8")).pid).toBe(process.ppid);
  });

  it("works on a file system without hard links, taking over a stale lock there too", async () => {
    vi.spyOn(fsp, "link").mockRejectedValue(Object.assign(new Error("EPERM: operation not permitted, link"), { code: "EPERM" }));
    const first = await acquireStateLock(stateFile);
    expect(JSON.parse(await readFile(lockFile, "utf8")).pid).toBe(process.pid);
    await writeOwner({ pid: process.ppid });
    await expect(acquireStateLock(stateFile)).rejects.toBeInstanceOf(LockHeldError);
    const pid = deadPid();
    await writeOwner({ pid });
    const second = await acquireStateLock(stateFile);
    expect(second.tookOverFrom).toBe(pid);
    await first.release();
    await second.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it("takes over a lock file left by a process that no longer runs", async () => {
    const pid = deadPid();
    await writeOwner({ pid });
    const lock = await acquireStateLock(stateFile);
    expect(lock.tookOverFrom).toBe(pid);
    expect(JSON.parse(await readFile(lockFile, "utf8")).pid).toBe(process.pid);
    await lock.release();
    expect(await exists(lockFile)).toBe(false);
  });

  it("takes over a damaged lock file once it is old enough not to be mid-write", async () => {
    await writeFile(lockFile, "");
    const old = new Date(Date.now() - 60_000);
    await utimes(lockFile, old, old);
    const lock = await acquireStateLock(stateFile);
    expect(lock.tookOverFrom).toBeNull();
    expect(JSON.parse(await readFile(lockFile, "utf8")).pid).toBe(process.pid);
    await lock.release();
  });

  it("takes over a lock file left empty by a process killed while writing it, waiting until it is old enough rather than giving up", async () => {
    await writeFile(lockFile, "");
    const lock = await acquireStateLock(stateFile);
    expect(lock.tookOverFrom).toBeNull();
    expect(JSON.parse(await readFile(lockFile, "utf8")).pid).toBe(process.pid);
    await lock.release();
  });

  it("leaves no stale file behind after a takeover", async () => {
    await writeOwner({ pid: deadPid() });
    const lock = await acquireStateLock(stateFile);
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("release", () => {
  it("removes our own lock", async () => {
    const lock = await acquireStateLock(stateFile);
    await lock.release();
    expect(await exists(lockFile)).toBe(false);
  });

  it("removes only our own lock, not one another instance took since", async () => {
    const lock = await acquireStateLock(stateFile);
    await writeOwner({ pid: process.ppid, startedAt: "2025-11-20T11:00:00.000Z" });
    await lock.release();
    expect(JSON.parse(await readFile(lockFile, "utf8")).pid).toBe(process.ppid);
  });

  it("removes only our own lock synchronously too", async () => {
    const lock = await acquireStateLock(stateFile);
    await writeOwner({ pid: process.ppid });
    lock.releaseSync();
    expect(await exists(lockFile)).toBe(true);
    await rm(lockFile);
    const again = await acquireStateLock(stateFile);
    again.releaseSync();
    expect(await exists(lockFile)).toBe(false);
  });

  it("lets the next instance in after release", async () => {
    const first = await acquireStateLock(stateFile);
    await first.release();
    const second = await acquireStateLock(stateFile);
    expect(second.tookOverFrom).toBeNull();
    await second.release();
  });

  it("does nothing when the lock file is already gone", async () => {
    const lock = await acquireStateLock(stateFile);
    await rm(lockFile);
    await expect(lock.release()).resolves.toBeUndefined();
    expect(() => lock.releaseSync()).not.toThrow();
  });
});
