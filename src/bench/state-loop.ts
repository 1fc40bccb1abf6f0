import { promises as fs } from "node:fs";
import { SAMPLE_AGENTS } from "../sandbox/samples/manifest.js";
import { startSandbox } from "../sandbox/index.js";
import { daemonFolder, startDaemon } from "./daemon-run.js";
import { pollLines, type PollLine } from "./daemon-log.js";
import { makeHistory, snapshotText } from "./history.js";
import { benchEnv, customerNumber, LATENCY } from "./world.js";

export interface StateLoopOptions {
  history: number;
  /** Polls measured after the first (which includes start-up). */
  polls: number;
  /** New calls that arrive before each poll's listing. */
  arrivalsPerPoll: number;
  /** Finished calls Exotel lists again every poll (the overlap), the same in every run. */
  recent: number;
  /** Extra arguments for the program's node, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}

export interface StateLoopResult {
  history: number;
  stateFileBytes: number;
  /** Polls after the first. */
  polls: PollLine[];
  firstPoll: PollLine;
  peakRssMb: number;
  processCpuMs: number;
  ticketed: number;
}

const LIST_PATH = /\/Calls(\.json)?\/?$/;

/**
 * The looping program (POLL_INTERVAL_SECONDS=1) on a state file that already remembers `history`
 * finished calls, with new calls arriving before every poll, stopped with SIGTERM after enough polls.
 */
export async function runStateLoop(options: StateLoopOptions): Promise<StateLoopResult> {
  const sandbox = await startSandbox({ latency: LATENCY });
  const folder = await daemonFolder(benchEnv(sandbox, 4, { POLL_INTERVAL_SECONDS: "1" }), sandbox.agentsConfig());
  try {
    const { snapshot, recent } = makeHistory({ calls: options.history, recent: options.recent, now: new Date() });
    const text = snapshotText(snapshot);
    await fs.writeFile(folder.stateFile, text);
    recent.forEach((call, i) => sandbox.seedCall({ sid: call.sid, customer: call.customer, agent: SAMPLE_AGENTS[i % SAMPLE_AGENTS.length]!.number, startedAt: call.startedAt }));

    let arrived = 0;
    sandbox.exotel.service.on("request", (request: { path: string; query: URLSearchParams }) => {
      if (!LIST_PATH.test(request.path) || request.query.has("After")) return;
      for (let i = 0; i < options.arrivalsPerPoll; i++, arrived++) {
        sandbox.seedCall({
          customer: customerNumber(arrived),
          agent: SAMPLE_AGENTS[arrived % SAMPLE_AGENTS.length]!.number,
          startedAt: new Date(Date.now() - 8 * 60_000 + arrived),
        });
      }
    });

    const daemon = startDaemon(folder, [], options.nodeArgs);
    const wanted = options.polls + 1;
    await daemon.waitFor((log) => pollLines(log).length >= wanted, `finish ${wanted} polls`, 120_000 + options.history);
    daemon.child.kill("SIGTERM");
    const result = await daemon.exited;
    const [firstPoll, ...polls] = result.polls;
    if (!firstPoll || !result.resources) throw new Error(`the program left no poll or resource line:\n${result.log.slice(-2000)}`);
    return {
      history: options.history,
      stateFileBytes: Buffer.byteLength(text),
      polls: polls.slice(0, options.polls),
      firstPoll,
      peakRssMb: result.resources.peakMemoryMb,
      processCpuMs: result.resources.cpuMs,
      ticketed: sandbox.zoho.tickets().length,
    };
  } finally {
    await sandbox.stop();
    await folder.remove();
  }
}
