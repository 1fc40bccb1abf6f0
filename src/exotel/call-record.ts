import type { CallRecord } from "../domain/call.js";
import { IST_EPOCH_PLACEHOLDER, parseIst } from "../lib/ist-time.js";
import { ExotelCall } from "./schema.js";

function istToIso(text: string | null | undefined): string | null {
  if (!text || text === IST_EPOCH_PLACEHOLDER) return null;
  return parseIst(text)?.toISOString() ?? null;
}

/** Reads one row of Exotel's call list into our CallRecord, or says why it cannot. */
export function toCallRecord(row: unknown): { call: CallRecord } | { sid: string | null; problem: string } {
  const parsed = ExotelCall.safeParse(row);
  const sid = typeof (row as { Sid?: unknown })?.Sid === "string" ? ((row as { Sid: string }).Sid) : null;
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { sid, problem: `Exotel call record field ${issue?.path.join(".") || "?"}: ${issue?.message ?? "invalid"}` };
  }
  const c = parsed.data;
  const startedAt = istToIso(c.DateCreated);
  if (!startedAt) return { sid: c.Sid, problem: `Exotel call record field DateCreated: "${c.DateCreated}" is not an IST date-time` };
  return {
    call: {
      sid: c.Sid,
      from: c.From ?? "",
      to: c.To ?? "",
      exoPhone: c.PhoneNumber ?? c.PhoneNumberSid ?? null,
      exotelDirection: c.Direction ?? "inbound",
      status: c.Status.toLowerCase(),
      startedAt,
      endedAt: istToIso(c.EndTime),
      durationSeconds: c.Duration ?? null,
      conversationSeconds: c.Details?.ConversationDuration ?? null,
      agentLegStatus: c.Details?.Leg2Status?.toLowerCase() ?? null,
      recordingUrl: c.RecordingUrl ?? c.PreSignedRecordingUrl ?? null,
      updatedAt: istToIso(c.DateUpdated),
    },
  };
}
