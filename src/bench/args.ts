export interface BenchArgs {
  /** Backlog size of the throughput runs. */
  calls: number;
  /** Backlog size and recording size of the memory run. */
  memoryCalls: number;
  memoryRecordingBytes: number;
  skipMemory: boolean;
  skipState: boolean;
  /** Leave out the warmed-up daemon's runs. */
  skipWarm: boolean;
  /** Concurrencies of the throughput runs; the first is the baseline. */
  concurrencies: number[];
  /** Write the tables to this file as well (bench/RESULTS.md for a reference run). */
  out: string | null;
}

export const BENCH_USAGE = `npm run bench -- [options]
  --calls N            backlog of the throughput runs (default 120)
  --concurrency A,B,…  concurrencies of the throughput runs, baseline first (default 1,4,8)
  --memory-calls N     backlog of the memory run (default 1000)
  --recording-mb N     recording size of the memory run in MB (default 5)
  --skip-memory        leave out the memory run
  --skip-state         leave out the state-size run
  --skip-warm          leave out the warmed-up daemon's runs
  --out FILE           also write the report to FILE (e.g. bench/RESULTS.md)`;

function positive(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!value || !Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number ≥ 1`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { calls: 120, memoryCalls: 1000, memoryRecordingBytes: 5 * 1024 * 1024, skipMemory: false, skipState: false, skipWarm: false, concurrencies: [1, 4, 8], out: null };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => argv[++i];
    switch (flag) {
      case "--calls":
        args.calls = positive(flag, value());
        break;
      case "--concurrency":
        args.concurrencies = (value() ?? "").split(",").map((v) => positive(flag, v));
        break;
      case "--memory-calls":
        args.memoryCalls = positive(flag, value());
        break;
      case "--recording-mb":
        args.memoryRecordingBytes = positive(flag, value()) * 1024 * 1024;
        break;
      case "--skip-memory":
        args.skipMemory = true;
        break;
      case "--skip-state":
        args.skipState = true;
        break;
      case "--skip-warm":
        args.skipWarm = true;
        break;
      case "--out":
        args.out = value() ?? null;
        if (!args.out) throw new Error("--out needs a file name");
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return args;
}
