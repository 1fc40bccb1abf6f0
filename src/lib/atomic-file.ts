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
  const mode = await fs.stat(file).then((s) => s.mode & 0o777, () => 0o600);
  const handle = await fs.open(temporary, "w", mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await fs.rename(temporary, file);
      break;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "";
      if (!TRANSIENT_RENAME_CODES.has(code) || attempt >= 10) {
        await fs.rm(temporary, { force: true });
        throw error;
      }
      await sleep(50 * attempt);
    }
  }
  await syncDirectory(path.dirname(file));
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
