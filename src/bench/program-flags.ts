import { readFileSync } from "node:fs";

/**
 * The Node flags in `npm start` ("node [flags] dist/cli.js" in package.json), so that the
 * benchmark runs the program exactly as users do; start.bat and the backfill script carry the
 * same flags (program-flags.spec.ts checks).
 */
export function programNodeFlags(packageJson: string): string[] {
  const start: unknown = (JSON.parse(packageJson) as { scripts?: Record<string, unknown> }).scripts?.["start"];
  const match = typeof start === "string" ? /^node((?:\s+--\S+)*)\s+dist\/cli\.js$/.exec(start.trim()) : null;
  if (!match) throw new Error(`package.json's start script is not "node [flags] dist/cli.js": ${JSON.stringify(start)}`);
  return match[1]!.trim().split(/\s+/).filter(Boolean);
}

/** The flags of this checkout's package.json (two folders up from dist/bench/ or src/bench/). */
export const PROGRAM_NODE_FLAGS = programNodeFlags(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
