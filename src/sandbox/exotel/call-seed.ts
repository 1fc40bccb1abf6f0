import { z } from "zod";

/** What a scenario says about one call; the emulator works out how Exotel would report it over time. */

export const CALL_DIRECTIONS = ["inbound", "outbound-api", "outbound-dial"] as const;
export const TERMINAL_STATUSES = ["completed", "failed", "busy", "no-answer", "canceled"] as const;
const LEG_STATUSES = ["completed", "failed", "busy", "no-answer", "canceled", ""] as const;

export const RecordingSeed = z.discriminatedUnion("kind", [
  /** A real audio file on disk, served as is. */
  z.object({ kind: z.literal("file"), path: z.string().min(1), contentType: z.string().optional() }),
  z.object({ kind: z.literal("bytes"), data: z.instanceof(Buffer), contentType: z.string().optional() }),
  /** Made on the fly: an ID3 tag naming the call, then MP3-looking frames up to `sizeBytes`. */
  z.object({ kind: z.literal("synthetic"), sizeBytes: z.number().int().nonnegative(), channels: z.union([z.literal(1), z.literal(2)]).optional() }),
]);
export type RecordingSeed = z.infer<typeof RecordingSeed>;

export const CallSeed = z.object({
  /** Generated (32 lowercase characters, like Exotel's) when omitted. */
  sid: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "a call SID must be usable in a URL path")
    .optional(),
  /** Numbers as Exotel writes them (`09663127355`, `sip:…`); reported verbatim. */
  from: z.string(),
  to: z.string(),
  exoPhone: z.string().min(1),
  direction: z.enum(CALL_DIRECTIONS),
  status: z.enum(TERMINAL_STATUSES),
  /** The call's start, reported as `DateCreated`/`StartTime`. */
  startedAt: z.date(),
  /** `Duration` once settled: seconds including IVR and ringing. */
  durationSeconds: z.number().int().nonnegative(),
  /** Talk time (`Details.ConversationDuration`); default: duration less 8 s of ringing when the agent leg completed, else 0. */
  conversationSeconds: z.number().int().nonnegative().optional(),
  /** Default: `completed` for completed calls, else the call's status. Inbound missed calls: `no-answer`. */
  leg2Status: z.enum(LEG_STATUSES).optional(),
  /** Inbound: the agent number `To` turns into once the call settles. */
  settledTo: z.string().optional(),
  /** How long after the call ended its fields fill in; default: the emulator's `settleDelayMs`. */
  settleDelayMs: z.number().nonnegative().optional(),
  /** The call is still going on until then: left out of the call list, `in-progress` when read alone. */
  inProgressUntil: z.date().optional(),
  /** `Price` once settled; default 0.75 a started minute for completed calls, else 0. */
  price: z.number().nonnegative().optional(),
  /** Default: a synthetic mono recording of the talk time when the agent leg completed, else none. */
  recording: RecordingSeed.nullable().optional(),
});
export type CallSeed = z.input<typeof CallSeed>;

export type CallDirection = (typeof CALL_DIRECTIONS)[number];
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

/** One call as the emulator keeps it. Fields may be changed by tests; the API reflects them at once. */
export interface StoredCall {
  sid: string;
  from: string;
  to: string;
  exoPhone: string;
  direction: CallDirection;
  status: TerminalStatus;
  startedAt: Date;
  durationSeconds: number;
  conversationSeconds: number;
  leg1Status: string;
  leg2Status: string;
  settledTo: string | null;
  /** Clock time (ms) until which the call is in progress; null when it had ended before it was added. */
  inProgressUntil: number | null;
  /** Clock time (ms) from which Duration, Price, RecordingUrl and the agent's `To` are reported. */
  settlesAt: number;
  price: number;
  recording: RecordingSeed | null;
  /** How this call's empty fields come back. */
  emptyAs: "" | null;
}

/** Ringing and IVR before the agent picks up, taken off the duration for the default talk time. */
const DEFAULT_RING_SECONDS = 8;
const DEFAULT_PRICE_PER_MINUTE = 0.75;
const SYNTHETIC_BYTES_PER_TALK_SECOND = 16_000;

/** How empty fields are spelled: always null, always `""`, or per call (both occur in real responses). */
export type EmptyValues = "null" | "empty-string" | "mixed";

export interface StoreDefaults {
  settleDelayMs: number;
  emptyValues: EmptyValues;
}

export function storeCall(input: CallSeed, sid: string, defaults: StoreDefaults): StoredCall {
  const seed = CallSeed.parse(input);
  const leg2Status = seed.leg2Status ?? (seed.status === "completed" ? "completed" : seed.status);
  const answered = leg2Status === "completed";
  const conversationSeconds = seed.conversationSeconds ?? (answered ? Math.max(0, seed.durationSeconds - DEFAULT_RING_SECONDS) : 0);
  const endedAt = seed.inProgressUntil?.getTime() ?? seed.startedAt.getTime() + seed.durationSeconds * 1000;
  const recording: RecordingSeed | null =
    seed.recording !== undefined
      ? seed.recording
      : answered
        ? { kind: "synthetic", sizeBytes: Math.max(4096, conversationSeconds * SYNTHETIC_BYTES_PER_TALK_SECOND) }
        : null;
  return {
    sid,
    from: seed.from,
    to: seed.to,
    exoPhone: seed.exoPhone,
    direction: seed.direction,
    status: seed.status,
    startedAt: seed.startedAt,
    durationSeconds: seed.durationSeconds,
    conversationSeconds,
    leg1Status: seed.status,
    leg2Status,
    settledTo: seed.settledTo ?? null,
    inProgressUntil: seed.inProgressUntil?.getTime() ?? null,
    settlesAt: endedAt + (seed.settleDelayMs ?? defaults.settleDelayMs),
    price: seed.price ?? (seed.status === "completed" ? Math.ceil(seed.durationSeconds / 60) * DEFAULT_PRICE_PER_MINUTE : 0),
    recording,
    emptyAs: defaults.emptyValues === "null" ? null : defaults.emptyValues === "empty-string" ? "" : mixedEmptyFor(sid),
  };
}

/** One spelling per call, stable for its SID, so a list mixes both like a real account's. */
function mixedEmptyFor(sid: string): "" | null {
  let sum = 0;
  for (const ch of sid) sum += ch.charCodeAt(0);
  return sum % 2 === 0 ? null : "";
}
