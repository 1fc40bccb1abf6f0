import { parseIst } from "../../lib/ist-time.js";
import type { ExotelEmulator } from "./emulator.js";

/** Helpers for the emulator's own specs: a clock that moves only when told, and plain HTTP calls. */

export class ManualClock {
  constructor(private ms: number) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export function ist(text: string): Date {
  const date = parseIst(text);
  if (!date) throw new Error(`not an IST wall clock: ${text}`);
  return date;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or null when it is not JSON; specs read whatever shape the route answers. */
  json: any;
}

export async function get(emulator: ExotelEmulator, pathAndQuery: string, authorization: string | null = emulator.authorization): Promise<Reply> {
  const response = await fetch(`${emulator.service.url}${pathAndQuery}`, { headers: authorization === null ? {} : { authorization } });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function callsPath(emulator: ExotelEmulator, query: Record<string, string> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `/v1/Accounts/${emulator.accountSid}/Calls.json${search ? `?${search}` : ""}`;
}
