/**
 * Zoho ids are 16–19 digit numbers sent as strings (beyond JavaScript's safe integers, so never
 * parse them as numbers). One increasing sequence per portal, shared by every kind of record, as
 * in Zoho: ids look alike and never collide.
 */
export class IdSequence {
  private next: bigint;

  constructor(start = 1_892_000_000_100_001n) {
    this.next = start;
  }

  take(): string {
    const id = this.next.toString();
    this.next += 1n;
    return id;
  }
}

export function isZohoId(value: string): boolean {
  return /^\d{1,19}$/.test(value);
}
