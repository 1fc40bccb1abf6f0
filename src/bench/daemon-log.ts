/** What the benchmark reads from the program's log (at the default LOG_LEVEL=info). */

export interface PollLine {
  seconds: number;
  cpuMs: number;
  listed: number;
  ticketed: number;
}

export interface ResourceLine {
  cpuMs: number;
  peakMemoryMb: number;
}

const POLL = /Poll finished in ([\d.]+) s \(CPU (\d+) ms\): (\d+) calls? listed(?:, (\d+) calls? ticketed)?/;
const RESOURCES = /Resource usage: CPU (\d+) ms, peak memory (\d+) MB/;

export function pollLines(log: string): PollLine[] {
  const polls: PollLine[] = [];
  for (const line of log.split("\n")) {
    const m = POLL.exec(line);
    if (m) polls.push({ seconds: Number(m[1]), cpuMs: Number(m[2]), listed: Number(m[3]), ticketed: Number(m[4] ?? 0) });
  }
  return polls;
}

export function resourceLine(log: string): ResourceLine | null {
  const m = RESOURCES.exec(log);
  return m ? { cpuMs: Number(m[1]), peakMemoryMb: Number(m[2]) } : null;
}
