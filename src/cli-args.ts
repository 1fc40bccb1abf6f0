import { formatIstDay, parseIstDate } from "./lib/ist-time.js";
import { earliestListable } from "./pipeline/windows.js";

export const USAGE = `Usage:
  npm start                        run: poll Exotel now and every POLL_INTERVAL_SECONDS
  npm start -- --once              one poll, then exit (0 all handled, 1 something failed, 2 bad set-up)
  npm run backfill -- --since YYYY-MM-DD
                                   process every call since that day (IST, at most six
                                   months back), then exit
  npm run retry [-- SID ...]       put failed calls back in line (all, or the SIDs given)
  npm run status                   what the state file says: counts, failed calls, watermark`;

export type Command = { name: "run"; once: boolean } | { name: "backfill"; since: Date } | { name: "retry"; sids: string[] } | { name: "status" } | { name: "help" };

/** The command the arguments name, or what is wrong with them (design §2: exit 2). */
export function parseArgs(argv: string[], now = new Date()): Command | string {
  const [first, ...rest] = argv;
  if (first === "--help" || first === "-h" || first === "help") return { name: "help" };
  if (first === undefined || first === "start" || first === "--once") {
    const args = first === "start" ? rest : argv;
    const unknown = args.filter((a) => a !== "--once");
    if (unknown.length > 0) return `Unknown option ${unknown[0]}.`;
    return { name: "run", once: args.includes("--once") };
  }
  if (first === "backfill") {
    const index = rest.indexOf("--since");
    const value = index === -1 ? undefined : rest[index + 1];
    const extra = rest.find((arg, i) => i !== index && i !== index + 1);
    if (index !== -1 && extra !== undefined) return extra.startsWith("-") ? `Unknown option ${extra}.` : `Unexpected argument ${extra}.`;
    const since = value ? parseIstDate(value) : null;
    if (!since) return "backfill needs --since YYYY-MM-DD (a day, read in IST).";
    if (since.getTime() > now.getTime()) return "backfill --since must be a day in the past.";
    const earliest = earliestListable(now);
    if (since.getTime() < earliest.getTime()) {
      return `backfill --since ${value} is further back than Exotel keeps calls (six months): the earliest day it can read is ${formatIstDay(earliest)}.`;
    }
    return { name: "backfill", since };
  }
  if (first === "retry") return { name: "retry", sids: rest.filter((a) => !a.startsWith("-")) };
  if (first === "status") return { name: "status" };
  return first.startsWith("-") ? `Unknown option ${first}.` : `Unknown command ${first}.`;
}

