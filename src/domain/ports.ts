import type { Analysis } from "./analysis.js";
import type { CallRecord, TimeWindow } from "./call.js";
import type { CommentDraft, CommentRef, ContactRef, ExistingComment, TicketDraft, TicketRef } from "./desk.js";
import type { Transcript } from "./transcript.js";

/**
 * The ports the pipeline drives. Each outside service has one adapter folder implementing one of
 * these in its own wire format; the pipeline knows only these types.
 */

export interface CallPage {
  /** Calls Exotel listed on this page that we could read. */
  calls: CallRecord[];
  /** Rows that failed validation, by SID when one could be read. */
  unreadable: Array<{ sid: string | null; problem: string }>;
  page: number;
  total: number | null;
}

export interface CallSource {
  /** Finished calls started inside the window, oldest first, page by page. */
  listFinishedCalls(window: TimeWindow): AsyncIterable<CallPage>;
  /** Streams the call's recording to `destination`; only a complete file ever appears there. */
  downloadRecording(call: CallRecord, destination: string): Promise<{ bytes: number }>;
}

export interface Transcriber {
  transcribe(recordingFile: string, callSid: string): Promise<Transcript>;
}

export interface CallAnalyser {
  /** Never fails: when the model cannot answer, the keyword analysis does. */
  analyse(transcript: Transcript, callSid: string): Promise<Analysis>;
}

export interface HelpDesk {
  findContactByPhone(phone: string, callSid: string): Promise<ContactRef | null>;
  createContact(phone: string, callSid: string): Promise<ContactRef>;
  /** The ticket whose description carries `Call ID: <sid>`, if one exists. */
  findTicketByCallSid(callSid: string, hint: { contactId: string | null; createdAfter: Date | null }): Promise<TicketRef | null>;
  createTicket(draft: TicketDraft, callSid: string): Promise<TicketRef>;
  listComments(ticketId: string, callSid: string): Promise<ExistingComment[]>;
  addComment(ticketId: string, draft: CommentDraft, callSid: string): Promise<CommentRef>;
}
