import { startSandbox } from "../sandbox/index.js";
import { daemonFolder, startDaemon } from "./daemon-run.js";
import { idealTime, type Ideal } from "./ideal.js";
import { countRequests, fixedWaitMs, perCallKinds, type RequestCounts } from "./requests.js";
import { benchEnv, DEEPGRAM_MAX_PARALLEL, LATENCY, seedBacklog, ZOHO_DESK_MAX_PARALLEL } from "./world.js";

export interface BacklogRunOptions {
  calls: number;
  concurrency: number;
  recordingBytes: number;
  /** Extra arguments for the program's node, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

export interface BacklogResult {
  calls: number;
  concurrency: number;
  recordingBytes: number;
  exitCode: number | null;
  ticketed: number;
  wallMs: number;
  pollSeconds: number;
  pollCpuMs: number;
  processCpuMs: number;
  peakRssMb: number;
  counts: RequestCounts;
  ideal: Ideal;
  peakDeskInFlight: number;
  peakDeepgramInFlight: number;
}

/**
 * A backlog of `calls` finished calls waiting in Exotel, one `--once` run of the program against
 * the sandbox with realistic latencies, and what it cost.
 */
export async function runBacklog(options: BacklogRunOptions): Promise<BacklogResult> {
  const sandbox = await startSandbox({ latency: LATENCY });
  const folder = await daemonFolder(benchEnv(sandbox, options.concurrency), sandbox.agentsConfig());
  try {
    const spacingMs = 5_000;
    seedBacklog(sandbox, {
      calls: options.calls,
      recordingBytes: options.recordingBytes,
      from: new Date(Date.now() - 10 * 60_000 - options.calls * spacingMs),
      spacingMs,
    });
    const result = await startDaemon(folder, ["--once"], options.nodeArgs).exited;
    const poll = result.polls.at(-1);
    if (!poll || !result.resources) throw new Error(`the program left no poll or resource line (exit ${result.code}):\n${result.log.slice(-2000)}`);
    const counts = countRequests(sandbox);
    const ideal = idealTime({
      calls: options.calls,
      concurrency: options.concurrency,
      kinds: perCallKinds(counts, options.calls, LATENCY, { deepgram: DEEPGRAM_MAX_PARALLEL, desk: ZOHO_DESK_MAX_PARALLEL }),
      fixedMs: fixedWaitMs(counts, LATENCY),
    });
    return {
      calls: options.calls,
      concurrency: options.concurrency,
      recordingBytes: options.recordingBytes,
      exitCode: result.code,
      ticketed: sandbox.zoho.tickets().length,
      wallMs: result.wallMs,
      pollSeconds: poll.seconds,
      pollCpuMs: poll.cpuMs,
      processCpuMs: result.resources.cpuMs,
      peakRssMb: result.resources.peakMemoryMb,
      counts,
      ideal,
      peakDeskInFlight: sandbox.zoho.desk.peakInFlight,
      peakDeepgramInFlight: sandbox.deepgram.service.peakInFlight,
    };
  } finally {
    await sandbox.stop();
    await folder.remove();
  }
}

export function callsPerMinute(r: BacklogResult): number {
  return r.calls / (r.wallMs / 60_000);
}
