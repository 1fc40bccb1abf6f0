import type { Sandbox, SandboxLatency } from "../sandbox/index.js";
import type { RequestKind } from "./ideal.js";

/** What the sandbox received during a run, by kind. */
export interface RequestCounts {
  listPages: number;
  recordings: number;
  deepgram: number;
  openai: number;
  desk: number;
  accounts: number;
  /** Answers of 400 and above, or none at all (dropped). */
  failed: number;
}

const LIST_PATH = /\/Calls(\.json|\.xml)?\/?$/;

export function countRequests(sandbox: Sandbox): RequestCounts {
  const exotel = sandbox.exotel.service.requests;
  const failed = sandbox.services().reduce((n, s) => n + s.requests.filter((r) => r.responseStatus === null || r.responseStatus >= 400).length, 0);
  return {
    listPages: exotel.filter((r) => LIST_PATH.test(r.path)).length,
    recordings: exotel.filter((r) => !LIST_PATH.test(r.path)).length,
    deepgram: sandbox.deepgram.service.requests.length,
    openai: sandbox.openai.service.requests.length,
    desk: sandbox.zoho.desk.requests.length,
    accounts: sandbox.zoho.accounts.requests.length,
    failed,
  };
}

/**
 * One call's sequential requests, counted from what the sandbox saw over `calls` calls (every
 * request of a call waits for the one before it), with each service's latency and the program's caps.
 */
export function perCallKinds(counts: RequestCounts, calls: number, latency: Required<SandboxLatency>, caps: { deepgram: number; desk: number }): RequestKind[] {
  const per = (n: number) => (calls > 0 ? n / calls : 0);
  return [
    { name: "recording download", perCall: per(counts.recordings), latencyMs: latency.exotel + latency.recording },
    { name: "Deepgram", perCall: per(counts.deepgram), latencyMs: latency.deepgram, maxParallel: caps.deepgram },
    { name: "OpenAI", perCall: per(counts.openai), latencyMs: latency.openai },
    { name: "Zoho Desk", perCall: per(counts.desk), latencyMs: latency.zoho, maxParallel: caps.desk },
  ];
}

/** Waits paid once a run: the call list's pages and the token refresh. */
export function fixedWaitMs(counts: RequestCounts, latency: Required<SandboxLatency>): number {
  return counts.listPages * latency.exotel + counts.accounts * latency.zoho;
}
