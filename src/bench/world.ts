import { SAMPLE_AGENTS } from "../sandbox/samples/manifest.js";
import type { Sandbox, SandboxLatency } from "../sandbox/index.js";

/**
 * The "realistic" world of issue 6: every request to a service waits this long in the sandbox.
 * A recording download waits the Exotel latency and the recording latency (another host, further away).
 */
export const LATENCY: Required<SandboxLatency> = { exotel: 100, recording: 100, deepgram: 400, openai: 200, zoho: 50 };

/** Limits the program is configured with in every run (the defaults, written out). */
export const ZOHO_DESK_MAX_PARALLEL = 5;
export const DEEPGRAM_MAX_PARALLEL = 5;

/** A distinct, valid Indian mobile number per index: every call is a new caller (the costlier path). */
export function customerNumber(index: number): string {
  return `098${String(index).padStart(8, "0")}`;
}

export interface BacklogOptions {
  calls: number;
  recordingBytes: number;
  /** Start of the first call; calls follow a few seconds apart. */
  from: Date;
  spacingMs: number;
  /** Numbering of the callers, so later batches are new callers too. */
  firstCustomer?: number;
}

/** Seeds finished, settled, recorded calls from new callers to the sample agents. */
export function seedBacklog(sandbox: Sandbox, options: BacklogOptions): string[] {
  const sids: string[] = [];
  for (let i = 0; i < options.calls; i++) {
    const agent = SAMPLE_AGENTS[i % SAMPLE_AGENTS.length]!;
    const seeded = sandbox.seedCall({
      customer: customerNumber((options.firstCustomer ?? 0) + i),
      agent: agent.number,
      startedAt: new Date(options.from.getTime() + i * options.spacingMs),
      durationSeconds: 120,
      recording: { syntheticBytes: options.recordingBytes },
    });
    sids.push(seeded.sid);
  }
  return sids;
}

/** The program's settings for a run: the sandbox's addresses, debug log (CPU and memory lines), the given concurrency. */
export function benchEnv(sandbox: Sandbox, concurrency: number, extra: Record<string, string> = {}): Record<string, string> {
  return sandbox.daemonEnv({
    MAX_CONCURRENT_CALLS: String(concurrency),
    ZOHO_DESK_MAX_PARALLEL: String(ZOHO_DESK_MAX_PARALLEL),
    DEEPGRAM_MAX_PARALLEL: String(DEEPGRAM_MAX_PARALLEL),
    LOG_LEVEL: "info",
    ...extra,
  });
}
