import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Windows virus scanners and indexers hold files briefly; a rename then fails with one of these. */
const TRANSIENT_RENAME_CODES = new Set(["EPERM", "EACCES", "EBUSY"]);

/**
 * Replaces `file` with `data` so that a reader (or a crash at any instant) sees either the old
 * file or the new one, never a mix: write a temporary file beside it, fsync, rename over.
 */
export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString("hex")}.tmp`);
  const handle = await fs.open(temporary, "w", await fileMode(file));
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await renameOver(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(path.dirname(file));
}

/** The permissions of `file`, so that replacing it keeps them; private to the user for a new one. */
export async function fileMode(file: string): Promise<number> {
  return fs.stat(file).then(
    (s) => s.mode & 0o777,
    () => 0o600,
  );
}

/** Renames `from` over `to`, waiting out a scanner or indexer that holds either file for a moment. */
export async function renameOver(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (!TRANSIENT_RENAME_CODES.has(code) || attempt >= 10) throw error;
      await sleep(50 * attempt);
    }
  }
}

/** Makes a rename durable on POSIX; Windows cannot open a directory, and needs no such step. */
export async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === "win32") return;
  try {
    const handle = await fs.open(directory, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems refuse fsync on directories; the rename itself has still happened.
  }
}
