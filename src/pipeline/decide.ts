import type { CallParties, CallRecord } from "../domain/call.js";
import { isInbound } from "./parties.js";

/** What to do with a call Exotel listed, by design §5. */
export type Decision =
  | { action: "ticket"; parties: CallParties; withRecording: boolean }
  | { action: "missed"; reason: string }
  | { action: "wait"; reason: string }
  | { action: "skip"; reason: string };

const UNANSWERED = new Set(["no-answer", "busy", "failed", "canceled", "cancelled"]);

export interface DecideOptions {
  now: Date;
  recordingWaitMs: number;
  /** When this program first listed the call: the wait counts from here until Exotel says when the call ended. */
  firstSeenAt: Date;
}

/** When the call ended, or null while Exotel has not filled in `EndTime` or `Duration` (api/exotel.md §5). */
export function callEndedAt(call: CallRecord): number | null {
  if (call.endedAt) return Date.parse(call.endedAt);
  return call.durationSeconds !== null ? Date.parse(call.startedAt) + call.durationSeconds * 1000 : null;
}

/** Answered ⇔ the agent leg completed or there was talk time (api/exotel.md §3). */
function answered(call: CallRecord): boolean {
  return call.agentLegStatus === "completed" || (call.conversationSeconds ?? 0) > 0;
}

/**
 * Inbound `Status: completed` only means the flow answered (api/exotel.md §3): the agent leg tells
 * whether anyone talked. Without call details, an inbound call whose `To` is still the ExoPhone
 * once the wait for a recording is over was not picked up. A record that says answered is never
 * read as missed, whatever else has yet to fill in.
 */
function unansweredInbound(call: CallRecord, waitOver: boolean): boolean {
  if (!isInbound(call) || answered(call)) return false;
  if (call.agentLegStatus && UNANSWERED.has(call.agentLegStatus)) return true;
  if (call.conversationSeconds === 0 && call.durationSeconds !== null) return true;
  return waitOver && !call.recordingUrl && toIsExoPhone(call);
}

function toIsExoPhone(call: CallRecord): boolean {
  return call.exoPhone !== null && call.to.replace(/\D/g, "").endsWith(call.exoPhone.replace(/\D/g, "").slice(-10));
}

/**
 * No known agent, and no later news can change that: an outgoing call, or an incoming one Exotel
 * has settled onto a number other than the ExoPhone. (An incoming call still on the ExoPhone may
 * yet turn out missed, which the wait for its recording tells.)
 */
function surelyNoAgent(call: CallRecord, parties: CallParties | null): boolean {
  return !parties && (!isInbound(call) || (call.durationSeconds !== null && !toIsExoPhone(call)));
}

/**
 * An incoming call whose agent we have not matched and Exotel may still name: until it settles
 * the call, `To` is the ExoPhone rather than the agent who took it (api/exotel.md §6).
 */
function agentMayYetAppear(call: CallRecord, parties: CallParties | null): boolean {
  return isInbound(call) && !parties?.agentNumber && (call.durationSeconds === null || toIsExoPhone(call));
}

export function decide(call: CallRecord, parties: CallParties | null, options: DecideOptions): Decision {
  const status = call.status.toLowerCase();
  if (UNANSWERED.has(status)) return { action: "missed", reason: `unanswered (${status})` };
  if (status !== "completed") return { action: "wait", reason: `call is ${status}` };

  // Until Exotel says when the call ended, its start says nothing of how long it has waited: a
  // long call would look overdue the moment it is listed.
  const waitedMs = options.now.getTime() - (callEndedAt(call) ?? options.firstSeenAt.getTime());
  const waitOver = waitedMs >= options.recordingWaitMs;
  if (unansweredInbound(call, waitOver)) return { action: "missed", reason: "no agent answered" };
  if (surelyNoAgent(call, parties)) return { action: "skip", reason: "no agent detected" };
  if (!call.recordingUrl && !waitOver) return { action: "wait", reason: "waiting for the recording" };
  if (agentMayYetAppear(call, parties) && !waitOver) return { action: "wait", reason: "waiting for Exotel to settle the call" };
  if (!parties) return { action: "skip", reason: "no agent detected" };
  return { action: "ticket", parties, withRecording: call.recordingUrl !== null };
}
