import { parseIstDate } from "./lib/ist-time.js";

export const USAGE = `Usage:
  npm start                        run: poll Exotel now and every POLL_INTERVAL_SECONDS
  npm start -- --once              one poll, then exit (0 all handled, 1 something failed, 2 bad set-up)
  npm run backfill -- --since YYYY-MM-DD
                                   process every call since that day (IST), then exit
  npm run retry [-- SID ...]       put failed calls back in line (all, or the SIDs given)
  npm run status                   what the state file says: counts, failed calls, watermark`;

export type Command = { name: "run"; once: boolean } | { name: "backfill"; since: Date } | { name: "retry"; sids: string[] } | { name: "status" } | { name: "help" };

export function parseArgs(argv: string[]): Command | string {
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
    const since = value ? parseIstDate(value) : null;
    if (!since) return "backfill needs --since YYYY-MM-DD (a day, read in IST).";
    if (since.getTime() > Date.now()) return "backfill --since must be a day in the past.";
    return { name: "backfill", since };
  }
  if (first === "retry") return { name: "retry", sids: rest.filter((a) => !a.startsWith("-")) };
  if (first === "status") return { name: "status" };
  return first.startsWith("-") ? `Unknown option ${first}.` : `Unknown command ${first}.`;
}

