import type { App, OpenOptions } from "./app.js";
import { loadSettings } from "./app.js";
import { InputError } from "./lib/errors.js";
import { formatIstReadable } from "./lib/ist-time.js";
import { CALL_STATUSES } from "./state/model.js";
import { StateStore } from "./state/store.js";

/** `npm run retry`: failed calls (all, or the SIDs named) go back in line with their attempts reset. */
export async function retryFailedCalls(app: App, sids: string[]): Promise<number> {
  const { store, logger } = app.ctx;
  const wanted = sids.length > 0 ? sids : store.entries().filter(([, e]) => e.status === "failed").map(([sid]) => sid);
  let count = 0;
  for (const sid of wanted) {
    const entry = store.get(sid);
    if (!entry) {
      process.stdout.write(`${sid}: not in the state file\n`);
      continue;
    }
    if (entry.status !== "failed" && entry.status !== "pending") {
      process.stdout.write(`${sid}: is ${entry.status}, nothing to retry\n`);
      continue;
    }
    await store.update(sid, { status: "pending", attempts: 0, lastError: null });
    count += 1;
  }
  logger.info(`Put ${count} call${count === 1 ? "" : "s"} back in line; the next poll (npm start) processes ${count === 1 ? "it" : "them"}`);
  return 0;
}

/** `npm run status`: what the state file says, read without taking the lock or writing anything. */
export async function printStatus(options: OpenOptions): Promise<number> {
  let store: StateStore;
  try {
    const { config } = await loadSettings(options);
    store = await StateStore.inspect(config.files.stateFile);
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const counts = Object.fromEntries(CALL_STATUSES.map((s) => [s, 0])) as Record<string, number>;
  for (const [, entry] of store.entries()) counts[entry.status] = (counts[entry.status] ?? 0) + 1;
  const out: string[] = [
    `State file: ${store.file}`,
    `Last complete poll up to: ${store.watermark ? formatIstReadable(store.watermark) : "never"}`,
    `Calls: ${CALL_STATUSES.map((s) => `${counts[s]} ${s}`).join(", ")}`,
  ];
  for (const status of ["failed", "pending"] as const) {
    const list = store.entries().filter(([, e]) => e.status === status);
    if (list.length === 0) continue;
    out.push("", `${status === "failed" ? "Failed (run npm run retry to try again)" : "Pending"}:`);
    for (const [sid, e] of list.slice(0, 50)) {
      const when = e.startedAt ? formatIstReadable(new Date(e.startedAt)) : "unknown time";
      out.push(`  ${sid}  ${when}  step ${e.step}, ${e.attempts} attempt(s)${e.lastError ? `: ${e.lastError}` : e.reason ? ` (${e.reason})` : ""}`);
    }
    if (list.length > 50) out.push(`  … and ${list.length - 50} more`);
  }
  process.stdout.write(`${out.join("\n")}\n`);
  return 0;
}
