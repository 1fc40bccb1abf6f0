/** Issue 6's targets, as numbers the report checks. */
export const TARGETS = {
  speedupAt8: 6,
  idealRatioAt8: 1.3,
  cpuMsPerCall: 20,
  peakRssMb: 150,
  historyCostRatio: 1.2,
  /** "About the same": the step-write cost with 50,000 calls of history against 50. */
  stateWriteRatio: 1.2,
} as const;

export function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.NaN;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
