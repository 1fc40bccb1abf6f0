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
}

/** When the call ended, as best Exotel lets us tell. */
export function callEndedAt(call: CallRecord): number {
  if (call.endedAt) return Date.parse(call.endedAt);
  const start = Date.parse(call.startedAt);
  return call.durationSeconds !== null ? start + call.durationSeconds * 1000 : start;
}

/**
 * Inbound `Status: completed` only means the flow answered (api/exotel.md §3): the agent leg tells
 * whether anyone talked. Without call details, an inbound call whose `To` is still the ExoPhone
 * once the wait for a recording is over was not picked up.
 */
function unansweredInbound(call: CallRecord, settled: boolean): boolean {
  if (!isInbound(call)) return false;
  if (call.agentLegStatus && UNANSWERED.has(call.agentLegStatus)) return true;
  if (call.conversationSeconds === 0 && call.durationSeconds !== null) return true;
  return settled && !call.recordingUrl && toIsExoPhone(call);
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

export function decide(call: CallRecord, parties: CallParties | null, options: DecideOptions): Decision {
  const status = call.status.toLowerCase();
  if (UNANSWERED.has(status)) return { action: "missed", reason: `unanswered (${status})` };
  if (status !== "completed") return { action: "wait", reason: `call is ${status}` };

  const waitedMs = options.now.getTime() - callEndedAt(call);
  const waitOver = waitedMs >= options.recordingWaitMs;
  if (unansweredInbound(call, waitOver)) return { action: "missed", reason: "no agent answered" };
  if (surelyNoAgent(call, parties)) return { action: "skip", reason: "no agent detected" };
  if (!call.recordingUrl && !waitOver) return { action: "wait", reason: "waiting for the recording" };
  if (!parties) {
    // Until Exotel settles an inbound call, `To` is the ExoPhone rather than the agent.
    if (isInbound(call) && call.durationSeconds === null && !waitOver) return { action: "wait", reason: "waiting for Exotel to settle the call" };
    return { action: "skip", reason: "no agent detected" };
  }
  return { action: "ticket", parties, withRecording: call.recordingUrl !== null };
}
