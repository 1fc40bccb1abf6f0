import { readFileSync } from "node:fs";

function procStatus(): string | null {
  try {
    return readFileSync("/proc/self/status", "utf8");
  } catch {
    return null;
  }
}

/**
 * This process's own peak resident memory, in bytes. On Linux, `getrusage`'s maxrss (Node's
 * `process.resourceUsage().maxRSS`) carries over the peak of the process it was forked from
 * (npm, a process manager, the benchmark) through the exec, so a program started by a bigger one
 * would report its parent's size; /proc/self/status's VmHWM counts this program's memory alone.
 * Elsewhere (Windows has no fork) maxRSS is the process's own.
 */
export function peakMemoryBytes(status: string | null = procStatus()): number {
  const hwm = status ? /^VmHWM:\s+(\d+)\s+kB/m.exec(status) : null;
  return hwm ? Number(hwm[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
}
