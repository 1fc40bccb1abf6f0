/**
 * The sandbox's sense of time. Tests move it forward to expire tokens or settle calls without
 * waiting; everything in the emulators asks this clock, never Date.now() directly.
 */
export class SandboxClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
