import type { BenchArgs } from "./args.js";
import { callsPerMinute, type BacklogResult } from "./backlog-run.js";
import { machineLine, type Machine } from "./machine.js";
import { PROGRAM_NODE_FLAGS } from "./program-flags.js";
import { perCallKinds } from "./requests.js";
import type { StateLoopResult } from "./state-loop.js";
import type { StateWriteResult } from "./state-writes.js";
import { fixed, markdownTable, verdict } from "./table.js";
import { mean, median, ratio, TARGETS } from "./targets.js";
import type { WarmRunResult } from "./warm-run.js";
import { DEEPGRAM_MAX_PARALLEL, LATENCY, ZOHO_DESK_MAX_PARALLEL } from "./world.js";

export interface BenchResults {
  machine: Machine;
  args: BenchArgs;
  startedAt: Date;
  throughput: BacklogResult[];
  memory: BacklogResult | null;
  /** The same short backlog with recordings of growing size. */
  recordingSizes: BacklogResult[];
  /** The looping daemon after a warm-up poll. */
  warm: WarmRunResult[];
  stateLoops: StateLoopResult[];
  stateWrites: StateWriteResult[];
}

const mb = (bytes: number) => `${fixed(bytes / 1024 / 1024, bytes < 1024 * 1024 ? 2 : 1)} MB`;
const kb = (bytes: number) => (bytes >= 1024 * 1024 ? mb(bytes) : `${Math.round(bytes / 1024)} KB`);
const pollCpuPerCall = (r: BacklogResult) => r.pollCpuMs / r.calls;

function backlogRows(runs: readonly BacklogResult[], baseline: BacklogResult | null): string[][] {
  return runs.map((r) => [
    String(r.concurrency),
    `${r.calls} × ${kb(r.recordingBytes)}`,
    `${r.ticketed}${r.exitCode === 0 ? "" : ` (exit ${r.exitCode})`}`,
    fixed(r.wallMs / 1000),
    fixed(r.pollSeconds),
    fixed(callsPerMinute(r), 0),
    baseline ? `${fixed(ratio(callsPerMinute(r), callsPerMinute(baseline)), 2)}×` : "–",
    fixed(r.ideal.idealMs / 1000),
    `${fixed(ratio(r.wallMs, r.ideal.idealMs), 2)}×`,
    fixed(pollCpuPerCall(r)),
    fixed(r.processCpuMs / r.calls),
    String(r.peakRssMb),
    `${r.peakDeskInFlight} / ${ZOHO_DESK_MAX_PARALLEL}`,
    `${r.peakDeepgramInFlight} / ${DEEPGRAM_MAX_PARALLEL}`,
    String(r.counts.failed),
  ]);
}

const BACKLOG_HEADERS = [
  "Concurrency",
  "Backlog",
  "Ticketed",
  "Wall s",
  "Poll s",
  "Calls/min",
  "vs conc. 1",
  "Ideal s",
  "Wall / ideal",
  "CPU ms/call (poll)",
  "CPU ms/call (process)",
  "Peak RSS MB",
  "Zoho Desk peak in flight",
  "Deepgram peak in flight",
  "Failed requests",
];

function requestTable(r: BacklogResult): string {
  const kinds = perCallKinds(r.counts, r.calls, LATENCY, { deepgram: DEEPGRAM_MAX_PARALLEL, desk: ZOHO_DESK_MAX_PARALLEL });
  const rows = kinds.map((k) => [k.name, fixed(k.perCall, 2), String(k.latencyMs), fixed(k.perCall * k.latencyMs, 0), k.maxParallel ? String(k.maxParallel) : "–"]);
  rows.push(["**one call, end to end**", "", "", fixed(r.ideal.criticalPathMs, 0), ""]);
  return markdownTable(["Request (one after another within a call)", "Per call (counted)", "Latency ms", "ms per call", "Program's cap"], rows);
}

function throughputSection(results: BenchResults): string[] {
  const runs = results.throughput;
  if (runs.length === 0) return [];
  const baseline = runs[0]!;
  const counted = runs.at(-1)!;
  return [
    `## Throughput: a backlog of ${baseline.calls} calls`,
    "",
    `One \`--once\` run per concurrency (\`MAX_CONCURRENT_CALLS\`), every call a new caller with a ${kb(baseline.recordingBytes)} synthetic recording. ` +
      `Ideal = calls × one call's critical path ÷ concurrency (or a service cap's bound when tighter) + the listing pages and token refresh; ` +
      `the requests per call are counted from the sandbox's request logs (${counted.counts.listPages} listing page(s), ${counted.counts.accounts} token request(s) in the last run). ` +
      "Wall is the program's whole run, start-up included; Poll is its own `Poll finished in` figure. CPU (poll) is the poll's CPU over the calls; CPU (process) adds start-up.",
    "",
    markdownTable(BACKLOG_HEADERS, backlogRows(runs, baseline)),
    "",
    requestTable(counted),
    "",
  ];
}

function memorySection(results: BenchResults): string[] {
  const r = results.memory;
  if (!r) return ["## Memory", "", "Left out (`--skip-memory`).", ""];
  const sweep = results.recordingSizes;
  return [
    `## Memory: ${r.calls} calls with ${kb(r.recordingBytes)} recordings`,
    "",
    markdownTable(BACKLOG_HEADERS, backlogRows([r], null)),
    "",
    ...(sweep.length > 0
      ? [
          `The same ${sweep[0]!.calls}-call backlog at concurrency ${sweep[0]!.concurrency} with recordings of growing size:`,
          "",
          markdownTable(
            ["Recording", "Peak RSS MB", "CPU ms/call (poll)", "Wall / ideal"],
            sweep.map((s) => [kb(s.recordingBytes), String(s.peakRssMb), fixed(pollCpuPerCall(s)), `${fixed(ratio(s.wallMs, s.ideal.idealMs), 2)}×`]),
          ),
          "",
        ]
      : []),
  ];
}

function warmSection(results: BenchResults): string[] {
  const runs = results.warm;
  if (runs.length === 0) return [];
  const first = runs[0]!;
  return [
    `## Warmed up: the looping daemon after ${first.warmupCalls} calls`,
    "",
    `The daemon as it runs for months (\`POLL_INTERVAL_SECONDS=2\`, concurrency ${first.concurrency}): its first poll works through ${first.warmupCalls} calls, ` +
      "so start-up and V8's compiling of the hot code fall there; then new calls arrive, and CPU per call is the next poll's own `(CPU N ms)` over the calls it ticketed. " +
      "That poll also lists the warm-up calls again (they are inside the overlap window), as every poll of a running daemon does.",
    "",
    markdownTable(
      ["Concurrency", "Warm-up", "Measured", "Ticketed", "Poll s", "CPU ms/call", "Peak RSS MB", "Zoho Desk peak in flight"],
      runs.map((r) => [
        String(r.concurrency),
        `${r.warmupCalls} × ${kb(r.recordingBytes)}`,
        `${r.calls} × ${kb(r.recordingBytes)}`,
        String(r.ticketed),
        fixed(r.polls.reduce((n, p) => n + p.seconds, 0)),
        fixed(r.cpuMsPerCall),
        String(r.peakRssMb),
        `${r.peakDeskInFlight} / ${ZOHO_DESK_MAX_PARALLEL}`,
      ]),
    ),
    "",
  ];
}

function stateSection(results: BenchResults): string[] {
  if (results.stateLoops.length === 0) return ["## State size", "", "Left out (`--skip-state`).", ""];
  const loops = results.stateLoops.map((r) => {
    const cpu = r.polls.map((p) => p.cpuMs);
    const listed = r.polls.map((p) => p.listed);
    return [
      r.history.toLocaleString("en"),
      mb(r.stateFileBytes),
      String(r.polls.length),
      fixed(mean(cpu), 0),
      fixed(median(cpu), 0),
      fixed(mean(r.polls.map((p) => p.seconds)), 2),
      `${Math.min(...listed)}–${Math.max(...listed)}`,
      fixed(mean(r.polls.map((p) => p.ticketed)), 1),
      String(r.firstPoll.cpuMs),
      String(r.processCpuMs),
      String(r.peakRssMb),
    ];
  });
  const writes = results.stateWrites.map((w) => [
    w.history.toLocaleString("en"),
    mb(w.stateFileBytes),
    String(w.writes),
    fixed(w.meanMs, 2),
    fixed(w.p95Ms, 2),
    fixed(w.cpuMsPerWrite, 3),
    fixed(w.compactMs, 0),
    fixed(w.amortizedCompactMs, 3),
  ]);
  return [
    "## State size: 50 against 50,000 calls of history",
    "",
    "The looping program (`POLL_INTERVAL_SECONDS=1`, 4 calls at a time) on a version-2 `processed_calls.json` that already holds the history " +
      "(finished calls over 40 days, as the finish step leaves them, one in six skipped, with their remembered contacts), while new calls arrive before " +
      "every poll's listing and the same recent finished calls are listed again each time. The two programs (each with its own sandbox) run side by side, so machine load weighs on both alike. Per-poll figures are the program's `Poll finished … (CPU N ms)` lines, the first poll (which follows start-up) left out.",
    "",
    markdownTable(["History", "State file", "Polls", "CPU ms/poll (mean)", "CPU ms/poll (median)", "Poll s (mean)", "Calls listed per poll", "Ticketed per poll", "First poll CPU ms", "Process CPU ms", "Peak RSS MB"], loops),
    "",
    "Saving a step: the program's own state store opened on such a file (in the benchmark's process), saving eleven steps for each new call one after another (journal append + fsync each); " +
      "the two stores take turns call by call, so disk and machine load weigh on both alike, and the first ten calls are a warm-up. " +
      "The fold (rewriting the whole file) happens at start, at shutdown, whenever the journal grows as large as the file, and, in the running program, about two seconds after changes (a file over 1 MB once the journal holds a sixty-fourth of it) and at most 1 % of the time (the looping runs above include those); here its amortized share per write is the size-triggered one: the fold's time × journal bytes per write ÷ file size.",
    "",
    markdownTable(["History", "State file", "Writes", "ms per write (mean)", "ms per write (p95)", "CPU ms per write", "Fold ms", "Fold, amortized ms per write"], writes),
    "",
  ];
}

interface TargetRow {
  target: string;
  measured: string;
  pass: boolean | null;
}

function targetRows(results: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [];
  const baseline = results.throughput[0];
  const at8 = results.throughput.find((r) => r.concurrency === 8);
  if (baseline && at8 && baseline.concurrency === 1) {
    const speedup = ratio(callsPerMinute(at8), callsPerMinute(baseline));
    rows.push({ target: `Concurrency 8: ≥ ${TARGETS.speedupAt8}× the calls/minute of concurrency 1`, measured: `${fixed(speedup, 2)}×`, pass: speedup >= TARGETS.speedupAt8 });
    const idealRatio = ratio(at8.wallMs, at8.ideal.idealMs);
    rows.push({ target: `Concurrency 8: within ${TARGETS.idealRatioAt8}× of the ideal latency-bound time`, measured: `${fixed(at8.wallMs / 1000)} s against ${fixed(at8.ideal.idealMs / 1000)} s = ${fixed(idealRatio, 2)}×`, pass: idealRatio <= TARGETS.idealRatioAt8 });
  }
  for (const r of [...results.throughput, ...(results.memory ? [results.memory] : [])]) {
    const cpu = pollCpuPerCall(r);
    rows.push({ target: `CPU per call ≤ ${TARGETS.cpuMsPerCall} ms (concurrency ${r.concurrency}, ${r.calls} × ${kb(r.recordingBytes)})`, measured: `${fixed(cpu)} ms (poll; ${fixed(r.processCpuMs / r.calls)} ms with start-up)`, pass: cpu <= TARGETS.cpuMsPerCall });
  }
  for (const r of results.warm) {
    rows.push({
      target: `CPU per call ≤ ${TARGETS.cpuMsPerCall} ms (warmed-up daemon, concurrency ${r.concurrency}, ${r.calls} × ${kb(r.recordingBytes)} after ${r.warmupCalls})`,
      measured: `${fixed(r.cpuMsPerCall)} ms (poll)`,
      pass: r.cpuMsPerCall <= TARGETS.cpuMsPerCall,
    });
  }
  if (results.memory) {
    const r = results.memory;
    rows.push({ target: `Peak RSS ≤ ${TARGETS.peakRssMb} MB (${r.calls} × ${kb(r.recordingBytes)} recordings)`, measured: `${r.peakRssMb} MB`, pass: r.peakRssMb <= TARGETS.peakRssMb });
    const sweep = results.recordingSizes;
    if (sweep.length > 1) {
      rows.push({
        target: `Memory does not grow with recording size (peak RSS, ${sweep[0]!.calls} calls at concurrency ${sweep[0]!.concurrency})`,
        measured: sweep.map((s) => `${s.peakRssMb} MB with ${kb(s.recordingBytes)}`).join(", "),
        pass: null,
      });
      const sameSize = sweep.find((s) => s.recordingBytes === r.recordingBytes);
      if (sameSize) rows.push({ target: `Memory does not grow with backlog size (peak RSS, ${kb(r.recordingBytes)} recordings)`, measured: `${sameSize.peakRssMb} MB for ${sameSize.calls} calls, ${r.peakRssMb} MB for ${r.calls}`, pass: null });
    }
  }
  const [few, many] = results.stateLoops;
  if (few && many) {
    const cost = ratio(mean(many.polls.map((p) => p.cpuMs)), mean(few.polls.map((p) => p.cpuMs)));
    rows.push({ target: `${many.history.toLocaleString("en")} calls of history: per-poll cost ≤ ${TARGETS.historyCostRatio}× that of ${few.history}`, measured: `${fixed(cost, 2)}× (mean CPU per poll)`, pass: cost <= TARGETS.historyCostRatio });
  }
  const [w1, w2] = results.stateWrites;
  if (w1 && w2) {
    const cost = ratio(w2.meanMs + w2.amortizedCompactMs, w1.meanMs + w1.amortizedCompactMs);
    rows.push({ target: `Saving a step costs about the same with ${w2.history.toLocaleString("en")} calls of history as with ${w1.history} (≤ ${TARGETS.stateWriteRatio}×)`, measured: `${fixed(cost, 2)}× (mean time per write, fold amortized)`, pass: cost <= TARGETS.stateWriteRatio });
  }
  const desk = [...results.throughput, ...(results.memory ? [results.memory] : []), ...results.warm].map((r) => r.peakDeskInFlight);
  if (desk.length > 0) {
    const peak = Math.max(...desk);
    rows.push({ target: `Never more than ZOHO_DESK_MAX_PARALLEL (${ZOHO_DESK_MAX_PARALLEL}) requests in flight at Zoho Desk`, measured: `peak ${peak} (sandbox count, every backlog run)`, pass: peak <= ZOHO_DESK_MAX_PARALLEL });
  }
  return rows;
}

export function renderReport(results: BenchResults): { markdown: string; allPassed: boolean } {
  const targets = targetRows(results);
  const lat = LATENCY;
  const markdown = [
    "# zoho-call-tickets benchmark",
    "",
    `Machine: ${machineLine(results.machine)}.`,
    `Run: ${results.startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, \`npm run bench\` with \`${["--calls", String(results.args.calls), ...(results.args.skipMemory ? ["--skip-memory"] : []), ...(results.args.skipState ? ["--skip-state"] : []), ...(results.args.skipWarm ? ["--skip-warm"] : [])].join(" ")}\`.`,
    "",
    `The sandbox (local emulators of every service) runs in the benchmark's process with these latencies per request: Exotel API ${lat.exotel} ms, ` +
      `recording download ${lat.exotel} + ${lat.recording} ms, Deepgram ${lat.deepgram} ms, OpenAI ${lat.openai} ms, Zoho Desk and Accounts ${lat.zoho} ms each. ` +
      `The program runs as its own process (\`node ${PROGRAM_NODE_FLAGS.join(" ")} dist/cli.js\`, as \`npm start\` runs it) in a temporary folder with a generated \`.env\`, \`LOG_LEVEL=info\` (the default), ` +
      `\`ZOHO_DESK_MAX_PARALLEL=${ZOHO_DESK_MAX_PARALLEL}\`, \`DEEPGRAM_MAX_PARALLEL=${DEEPGRAM_MAX_PARALLEL}\`; its CPU and peak RSS are its own ` +
      "(the `Poll finished … (CPU N ms)` and `Resource usage: CPU N ms, peak memory M MB` lines of its log).",
    "",
    "## Targets",
    "",
    markdownTable(["Target", "Measured", "Result"], targets.map((t) => [t.target, t.measured, t.pass === null ? "(information)" : verdict(t.pass)])),
    "",
    ...throughputSection(results),
    ...memorySection(results),
    ...warmSection(results),
    ...stateSection(results),
  ].join("\n");
  return { markdown, allPassed: targets.every((t) => t.pass !== false) };
}
