import type { Analysis } from "../domain/analysis.js";
import type { CallParties, CallRecord } from "../domain/call.js";
import type { CommentDraft, TicketDraft } from "../domain/desk.js";
import { formatTranscript, hasSpeech, type Transcript } from "../domain/transcript.js";
import { formatDuration } from "../lib/duration.js";
import { formatIstReadable } from "../lib/ist-time.js";

/** Zoho Desk's comment limit is 32,000 characters; the header and footer need the rest. */
export const COMMENT_BODY_LIMIT = 30_000;
const SUBJECT_LIMIT = 255;

export interface TicketFacts {
  call: CallRecord;
  parties: CallParties;
  /** Null for a missed-call ticket. */
  analysis: Analysis | null;
  transcript: Transcript | null;
  /** Why an answered call has no transcript (no recording, a recording Deepgram cannot read); null when it has one. */
  transcriptGap: string | null;
}

export const NO_RECORDING_GAP = "no recording was available for this call";

/** The gap as the state tells it: a recorded problem, or no recording at all. */
export function transcriptGapOf(entry: { recording?: unknown; transcriptProblem?: string | null }): string | null {
  return entry.transcriptProblem ?? (entry.recording ? null : NO_RECORDING_GAP);
}

export interface TicketSettings {
  departmentId: string;
  priority: string;
  contactId: string;
  assigneeId: string | null;
}

/** The line that ties a ticket and its comments to the call; recovery after a crash searches for it. */
export function callIdLine(sid: string): string {
  return `Call ID: ${sid}`;
}

function limit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3).trimEnd()}...`;
}

export function ticketSubject(facts: TicketFacts): string {
  const who = facts.parties.customerNumber;
  if (!facts.analysis) return limit(`Missed call from ${who}`, SUBJECT_LIMIT);
  return limit(`Call from ${who} - ${facts.analysis.concern.replace(/\s+/g, " ").trim()}`, SUBJECT_LIMIT);
}

function transcriptLine(facts: TicketFacts): string {
  if (facts.transcriptGap) return `Not available (${facts.transcriptGap})`;
  if (!facts.transcript || !hasSpeech(facts.transcript)) return "No speech detected in the recording";
  return "Added as a private comment";
}

export function ticketDescription(facts: TicketFacts): string {
  const { call, parties, analysis } = facts;
  const agent = parties.agent.department ? `${parties.agent.name} (${parties.agent.department})` : parties.agent.name;
  const lines = [
    `Customer number: ${parties.customerNumber}`,
    `Agent: ${agent}`,
    `Call time: ${formatIstReadable(new Date(call.startedAt))}`,
    `Duration: ${formatDuration(call.durationSeconds)}`,
    `Direction: ${parties.direction === "incoming" ? "Incoming" : "Outgoing"}`,
  ];
  if (analysis) {
    lines.push(`Mood: ${analysis.mood}`, `Concern: ${analysis.concern}`);
    if (analysis.summary) lines.push(`Summary: ${analysis.summary}`);
    lines.push(`Transcript: ${transcriptLine(facts)}`);
  } else {
    lines.push(`Status: Missed call (${call.status})`);
  }
  lines.push(`Recording: ${call.recordingUrl ?? "Not available"}`, "", callIdLine(call.sid));
  return lines.join("\n");
}

export function ticketDraft(facts: TicketFacts, settings: TicketSettings): TicketDraft {
  return {
    subject: ticketSubject(facts),
    description: ticketDescription(facts),
    departmentId: settings.departmentId,
    contactId: settings.contactId,
    phone: facts.parties.customerNumber,
    channel: "Phone",
    status: "Open",
    priority: settings.priority,
    assigneeId: settings.assigneeId,
  };
}

/** Splits text into chunks of at most `max` characters, at line breaks where it can. */
export function splitText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    let rest = line;
    while (rest.length > max) {
      if (current) chunks.push(current);
      current = "";
      chunks.push(rest.slice(0, max));
      rest = rest.slice(max);
    }
    const candidate = current ? `${current}\n${rest}` : rest;
    if (candidate.length > max) {
      chunks.push(current);
      current = rest;
    } else current = candidate;
  }
  if (current || chunks.length === 0) chunks.push(current);
  return chunks;
}

/** How comment `part` of `total` is labelled; recovery after a crash looks for this label. */
export function partLabel(part: number, total: number): string {
  return total === 1 ? "Call transcript" : `Call transcript (part ${part} of ${total})`;
}

/** The private transcript note(s) for a ticketed call: one comment, or numbered ones past Zoho's limit. */
export function transcriptComments(sid: string, transcript: Transcript | null, transcriptGap: string | null): CommentDraft[] {
  const note = (content: string): CommentDraft => ({ content, isPublic: false, contentType: "plainText" });
  if (transcriptGap) return [note(`${partLabel(1, 1)}\n\nThere is no transcript: ${transcriptGap}.\n\n${callIdLine(sid)}`)];
  if (!transcript || !hasSpeech(transcript)) return [note(`${partLabel(1, 1)}\n\nNo speech was detected in the recording.\n\n${callIdLine(sid)}`)];
  const chunks = splitText(formatTranscript(transcript), COMMENT_BODY_LIMIT);
  return chunks.map((chunk, index) => note(`${partLabel(index + 1, chunks.length)}\n\n${chunk}\n\n${callIdLine(sid)}`));
}
