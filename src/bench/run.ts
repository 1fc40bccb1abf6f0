import { promises as fs } from "node:fs";
import { BENCH_USAGE, parseBenchArgs, type BenchArgs } from "./args.js";
import { runBacklog, type BacklogResult } from "./backlog-run.js";
import { describeMachine } from "./machine.js";
import { renderReport, type BenchResults } from "./report.js";
import { runStateLoop, type StateLoopResult } from "./state-loop.js";
import { measureStateWrites, type StateWriteResult } from "./state-writes.js";
import { runWarm, type WarmRunResult } from "./warm-run.js";

/** Recording size of the throughput runs: small, so the runs measure the pipeline rather than the disk. */
const THROUGHPUT_RECORDING_BYTES = 16 * 1024;
const HISTORIES = [50, 50_000] as const;
/** The same short backlog with ever larger recordings: does memory follow the recording's size? */
const SWEEP_CALLS = 40;
const SWEEP_RECORDING_BYTES = [16 * 1024, 1024 * 1024, 5 * 1024 * 1024, 20 * 1024 * 1024];

/**
 * The warmed-up daemon: a first poll of WARMUP_CALLS, then WARM_CALLS measured, at concurrency 8,
 * with the throughput runs' small recordings and the memory run's large ones.
 */
const WARMUP_CALLS = 300;
const WARM_CALLS = 200;
const WARM_RECORDING_BYTES = [THROUGHPUT_RECORDING_BYTES, 5 * 1024 * 1024];

function progress(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

async function throughputRuns(args: BenchArgs): Promise<BacklogResult[]> {
  const runs: BacklogResult[] = [];
  for (const concurrency of args.concurrencies) {
    progress(`throughput: ${args.calls} calls at concurrency ${concurrency}`);
    runs.push(await runBacklog({ calls: args.calls, concurrency, recordingBytes: THROUGHPUT_RECORDING_BYTES }));
  }
  return runs;
}

async function warmRuns(): Promise<WarmRunResult[]> {
  const runs: WarmRunResult[] = [];
  for (const recordingBytes of WARM_RECORDING_BYTES) {
    progress(`warmed up: ${WARM_CALLS} calls with ${Math.round(recordingBytes / 1024)} KB recordings after ${WARMUP_CALLS} at concurrency 8`);
    runs.push(await runWarm({ warmupCalls: WARMUP_CALLS, calls: WARM_CALLS, concurrency: 8, recordingBytes }));
  }
  return runs;
}

async function stateRuns(): Promise<{ loops: StateLoopResult[]; writes: StateWriteResult[] }> {
  // Side by side, so machine load weighs on both programs alike.
  progress(`state size: looping programs with ${HISTORIES.join(" and ")} calls of history, side by side`);
  const loops: StateLoopResult[] = await Promise.all(HISTORIES.map((history) => runStateLoop({ history, polls: 20, arrivalsPerPoll: 4, recent: 20 })));
  progress(`state size: saving steps with ${HISTORIES.join(" and ")} calls of history`);
  const writes = await measureStateWrites(HISTORIES, 200);
  return { loops, writes };
}

async function main(argv: string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${BENCH_USAGE}\n`);
    return 2;
  }
  const startedAt = new Date();
  const throughput = await throughputRuns(args);
  let memory: BacklogResult | null = null;
  const recordingSizes: BacklogResult[] = [];
  if (!args.skipMemory) {
    progress(`memory: ${args.memoryCalls} calls with ${args.memoryRecordingBytes / 1024 / 1024} MB recordings at concurrency 8`);
    memory = await runBacklog({ calls: args.memoryCalls, concurrency: 8, recordingBytes: args.memoryRecordingBytes });
    for (const bytes of SWEEP_RECORDING_BYTES) {
      progress(`memory: ${SWEEP_CALLS} calls with ${Math.round(bytes / 1024)} KB recordings at concurrency 8`);
      recordingSizes.push(await runBacklog({ calls: SWEEP_CALLS, concurrency: 8, recordingBytes: bytes }));
    }
  }
  const warm = args.skipWarm ? [] : await warmRuns();
  const state = args.skipState ? { loops: [], writes: [] } : await stateRuns();
  const results: BenchResults = { machine: describeMachine(), args, startedAt, throughput, memory, recordingSizes, warm, stateLoops: state.loops, stateWrites: state.writes };
  const { markdown, allPassed } = renderReport(results);
  process.stdout.write(`${markdown}\n`);
  if (args.out) {
    await fs.writeFile(args.out, `${markdown}\n`);
    progress(`written to ${args.out}`);
  }
  progress(allPassed ? "every target met" : "some targets missed (see the table)");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
