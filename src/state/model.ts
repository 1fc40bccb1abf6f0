import { z } from "zod";
import type { Analysis } from "../domain/analysis.js";
import type { CallParties, CallRecord } from "../domain/call.js";
import type { TicketRef } from "../domain/desk.js";
import type { Transcript } from "../domain/transcript.js";

/**
 * What processed_calls.json remembers of each call. A call moves through the steps in order;
 * `step` names the last one completed, and each step's result is saved before the next begins.
 */
export const CALL_STATUSES = ["pending", "done", "skipped", "failed"] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export const STEPS = ["discovered", "recording", "transcript", "analysis", "contact", "ticket", "comments", "done"] as const;
export type Step = (typeof STEPS)[number];

export function stepIndex(step: Step): number {
  return STEPS.indexOf(step);
}

/** A write whose answer we may never have seen: recorded before it is sent, cleared once its result is saved. */
export interface WriteIntent {
  kind: "contact" | "ticket" | "comment";
  /** Comment part, from 1. */
  part?: number;
  at: string;
}

export interface CallState {
  status: CallStatus;
  step: Step;
  /** Failed attempts so far (deferrals do not count). */
  attempts: number;
  lastError?: string | null;
  /** Call start (ISO), kept after the call record itself is dropped, to age entries out. */
  startedAt: string | null;
  firstSeenAt: string;
  updatedAt: string;
  doneAt?: string | null;
  /** Why the call was skipped or is waiting. */
  reason?: string | null;
  /** Exotel's record of the call; dropped once the call is done or skipped. */
  call?: CallRecord | null;
  /** "ticket" (with transcript when recorded) or "missed" (a missed-call ticket). */
  plan?: "ticket" | "missed" | null;
  parties?: CallParties | null;
  /** Local file of the downloaded recording; null when the ticket goes out without one. */
  recording?: { file: string; bytes: number } | null;
  transcript?: Transcript | null;
  /** Why there is no transcript although the call was answered (recording gone, audio Deepgram cannot read). */
  transcriptProblem?: string | null;
  analysis?: Analysis | null;
  contactId?: string | null;
  ticket?: TicketRef | null;
  /** Transcript comment ids, by part. */
  commentIds?: string[];
  intent?: WriteIntent | null;
  /** The dry run has already logged the ticket this call would get. */
  dryRunLogged?: boolean;
  /** Look for an existing ticket before creating one (the state may have forgotten this call). */
  lookupFirst?: boolean;
  /** Imported from the predecessor's plain list of SIDs. */
  legacy?: boolean;
}

export interface ContactMemo {
  id: string;
  at: string;
}

export interface StateSnapshot {
  version: 2;
  /** Bumped at every compaction; a journal of an older generation is already folded in. */
  generation: number;
  /** End of the last window of Exotel's call list walked completely (ISO). */
  watermark: string | null;
  updatedAt: string;
  calls: Record<string, CallState>;
  /** Contacts this program created or found, by E.164 number: guards against a search index that lags. */
  contacts: Record<string, ContactMemo>;
}

const IsoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "is not a date-time");

/** The essentials are checked strictly; what each step produced is our own data, checked loosely. */
export const CallStateSchema = z.looseObject({
  status: z.enum(CALL_STATUSES),
  step: z.enum(STEPS),
  attempts: z.number().int().min(0),
  lastError: z.string().nullable().optional(),
  startedAt: IsoTime.nullable(),
  firstSeenAt: IsoTime,
  updatedAt: IsoTime,
  doneAt: IsoTime.nullable().optional(),
  call: z.looseObject({ sid: z.string(), from: z.string(), to: z.string(), startedAt: IsoTime }).nullable().optional(),
  ticket: z.looseObject({ id: z.string(), number: z.string() }).nullable().optional(),
  commentIds: z.array(z.string()).optional(),
  contactId: z.string().nullable().optional(),
});

export const SnapshotSchema = z.object({
  version: z.literal(2),
  generation: z.number().int().min(0).default(0),
  watermark: IsoTime.nullable().default(null),
  updatedAt: IsoTime.optional(),
  calls: z.record(z.string(), CallStateSchema),
  contacts: z.record(z.string(), z.object({ id: z.string(), at: IsoTime })).default({}),
});

/**
 * One line of the journal: a header, a change to one call, the watermark, or a remembered contact.
 * Only its shape is checked here; what the replayed lines leave is checked with SnapshotSchema,
 * the state file's own schema, before any of it is folded into the file.
 */
export const JournalLineSchema = z.union([
  z.object({ generation: z.number().int().min(0) }),
  // A hand-edited "__proto__" would change every object in the program, not one call.
  z.object({ sid: z.string().refine((sid) => !["__proto__", "constructor", "prototype"].includes(sid)), set: z.record(z.string(), z.unknown()), unset: z.array(z.string()).optional() }),
  z.object({ watermark: z.string() }),
  z.object({ contact: z.object({ phone: z.string(), id: z.string(), at: z.string() }) }),
]);
export type JournalLine = z.infer<typeof JournalLineSchema>;

/** Fields dropped when a call is finished: enough stays to answer "was this call handled, and where". */
export const FINISHED_CALL_DROPS = ["call", "parties", "recording", "transcript", "transcriptProblem", "analysis", "intent", "plan"] as const;
