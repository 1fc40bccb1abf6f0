import { InputError } from "../lib/errors.js";
import { SnapshotSchema, type CallState, type StateSnapshot } from "./model.js";

export function emptySnapshot(now: Date): StateSnapshot {
  return { version: 2, generation: 0, watermark: null, updatedAt: now.toISOString(), calls: {}, contacts: {} };
}

const FIX_BY_HAND = "restore the file from a backup or correct it by hand; the program never rewrites it for you. Removing it makes the program treat every call in the look-back window as new.";

/**
 * Reads a parsed state file of any version this program knows: the predecessor's plain array of
 * call SIDs (those calls count as done) or a version 2 object. Anything else is refused.
 */
export function readSnapshot(file: string, data: unknown, now: Date): { snapshot: StateSnapshot; migratedFrom: "v1" | null } {
  if (Array.isArray(data)) {
    const badIndex = data.findIndex((sid) => typeof sid !== "string" || sid.trim() === "");
    if (badIndex !== -1) {
      throw new InputError(file, [{ field: `[${badIndex}]`, problem: "is not a call SID (text).", fix: FIX_BY_HAND }]);
    }
    const snapshot = emptySnapshot(now);
    const at = now.toISOString();
    for (const sid of data as string[]) {
      const entry: CallState = { status: "done", step: "done", attempts: 0, startedAt: null, firstSeenAt: at, updatedAt: at, doneAt: at, legacy: true };
      snapshot.calls[sid.trim()] = entry;
    }
    return { snapshot, migratedFrom: "v1" };
  }
  if (data !== null && typeof data === "object" && "version" in data && typeof data.version === "number" && data.version > 2) {
    throw new InputError(file, [
      {
        field: "version",
        problem: `is ${data.version}, written by a newer version of this program.`,
        fix: "run the newer version, or restore the file from a backup made with this one.",
      },
    ]);
  }
  const parsed = SnapshotSchema.safeParse(data);
  if (!parsed.success) {
    throw new InputError(
      file,
      parsed.error.issues.slice(0, 10).map((issue) => ({
        field: issue.path.map(String).join(".") || "(top level)",
        problem: `${issue.message}.`,
        fix: FIX_BY_HAND,
      })),
      `${file} is not a state file this program understands; the program did not start and left the file untouched:`,
    );
  }
  const snapshot = parsed.data as StateSnapshot;
  snapshot.updatedAt ??= now.toISOString();
  return { snapshot, migratedFrom: null };
}
