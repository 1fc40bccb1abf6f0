import { createHash } from "node:crypto";

const NON_HEX = "ghijklmnopqrstuvwxyz";

/**
 * Call SIDs like Exotel's: 32 lowercase characters, mostly hex, but real ones often end in a letter
 * past `f` (`…189g`), which catches clients that validate them as hex. Deterministic per account
 * and sequence number so a scenario gets the same SIDs on every run.
 */
export function makeCallSid(accountSid: string, sequence: number): string {
  const digest = createHash("sha256").update(`${accountSid}:call:${sequence}`).digest();
  const hex = digest.toString("hex").slice(0, 31);
  const last = digest[31]! % 3 === 0 ? NON_HEX[digest[30]! % NON_HEX.length]! : digest.toString("hex").slice(31, 32);
  return hex + last;
}
