import { startSandbox } from "../sandbox/index.js";
import { pollLines, type PollLine } from "./daemon-log.js";
import { daemonFolder, startDaemon } from "./daemon-run.js";
import { benchEnv, LATENCY, seedBacklog } from "./world.js";

export interface WarmRunOptions {
  /** Calls the daemon's first poll processes before anything is measured. */
  warmupCalls: number;
  /** Calls that arrive once the warm-up poll has finished: what is measured. */
  calls: number;
  concurrency: number;
  recordingBytes: number;
  /** Extra arguments for the program's node, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

export interface WarmRunResult extends Omit<WarmRunOptions, "nodeArgs"> {
  ticketed: number;
  /** The polls that ticketed the measured calls (normally one). */
  polls: PollLine[];
  cpuMsPerCall: number;
  peakRssMb: number;
  peakDeskInFlight: number;
}

/** How often the looping daemon polls: soon after the measured calls arrive, never two polls at once. */
const POLL_INTERVAL_SECONDS = 2;

/**
 * The looping daemon as it runs for months: a first poll works through `warmupCalls` (start-up
 * and V8's compiling of the hot code fall there), then `calls` new calls arrive and a later poll
 * ticks them off. CPU per call is that poll's own `(CPU N ms)` over the calls it ticketed, so it
 * includes re-listing the warm-up calls (the overlap window lists them again, as in real life).
 */
export async function runWarm(options: WarmRunOptions): Promise<WarmRunResult> {
  const sandbox = await startSandbox({ latency: LATENCY });
  const folder = await daemonFolder(benchEnv(sandbox, options.concurrency, { POLL_INTERVAL_SECONDS: String(POLL_INTERVAL_SECONDS) }), sandbox.agentsConfig());
  try {
    const spacingMs = 5_000;
    const total = options.warmupCalls + options.calls;
    const from = new Date(Date.now() - 10 * 60_000 - total * spacingMs);
    seedBacklog(sandbox, { calls: options.warmupCalls, recordingBytes: options.recordingBytes, from, spacingMs });

    const daemon = startDaemon(folder, [], options.nodeArgs);
    await daemon.waitFor((log) => pollLines(log).length >= 1, "finish its warm-up poll", 600_000);
    seedBacklog(sandbox, {
      calls: options.calls,
      recordingBytes: options.recordingBytes,
      from: new Date(from.getTime() + options.warmupCalls * spacingMs),
      spacingMs,
      firstCustomer: options.warmupCalls,
    });
    // Until the polls that ticketed them have written their lines.
    const measuredTickets = (log: string) => pollLines(log).slice(1).reduce((n, p) => n + p.ticketed, 0);
    await daemon.waitFor((log) => measuredTickets(log) >= options.calls, "ticket the measured calls", 600_000);
    daemon.child.kill("SIGTERM");
    const result = await daemon.exited;
    const polls = result.polls.slice(1).filter((p) => p.ticketed > 0);
    const ticketed = polls.reduce((n, p) => n + p.ticketed, 0);
    if (!result.resources || ticketed === 0) throw new Error(`the program left no measured poll or resource line:\n${result.log.slice(-2000)}`);
    return {
      warmupCalls: options.warmupCalls,
      calls: options.calls,
      concurrency: options.concurrency,
      recordingBytes: options.recordingBytes,
      ticketed,
      polls,
      cpuMsPerCall: polls.reduce((n, p) => n + p.cpuMs, 0) / ticketed,
      peakRssMb: result.resources.peakMemoryMb,
      peakDeskInFlight: sandbox.zoho.desk.peakInFlight,
    };
  } finally {
    await sandbox.stop();
    await folder.remove();
  }
}
