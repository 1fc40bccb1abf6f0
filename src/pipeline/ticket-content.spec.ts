import { describe, expect, it } from "vitest";
import type { Analysis } from "../domain/analysis.js";
import type { CallParties, CallRecord } from "../domain/call.js";
import type { Transcript } from "../domain/transcript.js";
import { callIdLine, COMMENT_BODY_LIMIT, NO_RECORDING_GAP, splitText, ticketDescription, ticketDraft, ticketSubject, transcriptComments, type TicketFacts } from "./ticket-content.js";

const SID = "4f1c2a0b9d8e7766554433221100ffeb";
const RECORDING = `https://recordings.exotel.com/exotelrecordings/acme1/${SID}.mp3`;

const call: CallRecord = {
  sid: SID,
  from: "09988776655",
  to: "09631084471",
  exoPhone: "08047112233",
  exotelDirection: "inbound",
  status: "completed",
  startedAt: "2025-11-20T04:11:05.000Z",
  endedAt: "2025-11-20T04:14:17.000Z",
  durationSeconds: 192,
  conversationSeconds: 180,
  agentLegStatus: "completed",
  recordingUrl: RECORDING,
  updatedAt: null,
};

const parties: CallParties = {
  agent: { name: "Prateek", department: "Customer Success", active: true, zohoAgentId: null, zohoAgentEmail: null, zohoDepartmentId: null },
  agentNumber: "09631084471",
  customerNumber: "+919988776655",
  direction: "incoming",
};

const analysis: Analysis = { concern: "Refund request", mood: "Negative", summary: "Customer wants a refund for a double charge.", source: "openai" };

const transcript: Transcript = {
  turns: [
    { speaker: "Agent", startSeconds: 0, text: "Hello, how can I help?" },
    { speaker: "Customer", startSeconds: 2.5, text: " I was charged twice. " },
  ],
  durationSeconds: 192,
  languages: ["en"],
};

function facts(overrides: Partial<TicketFacts> = {}): TicketFacts {
  return { call, parties, analysis, transcript, transcriptGap: null, ...overrides };
}

/** A transcript whose formatted text is about `chars` characters long, in lines of ~100. */
function longTranscript(chars: number): Transcript {
  const line = "x".repeat(90);
  const turns = Array.from({ length: Math.ceil(chars / 100) }, (_, i) => ({ speaker: i % 2 ? "Customer" : "Agent", startSeconds: i, text: line }));
  return { turns, durationSeconds: null, languages: ["hi", "en"] };
}

describe("ticketSubject", () => {
  it("reads `Call from <customer number> - <concern>`", () => {
    expect(ticketSubject(facts())).toBe("Call from +919988776655 - Refund request");
  });

  it("folds line breaks and runs of spaces in the concern", () => {
    expect(ticketSubject(facts({ analysis: { ...analysis, concern: "  Refund\n request   for  order " } }))).toBe("Call from +919988776655 - Refund request for order");
  });

  it("keeps the subject within 255 characters", () => {
    const subject = ticketSubject(facts({ analysis: { ...analysis, concern: "word ".repeat(100) } }));
    expect(subject.length).toBeLessThanOrEqual(255);
    expect(subject.startsWith("Call from +919988776655 - word word")).toBe(true);
    expect(subject.endsWith("...")).toBe(true);
  });

  it("leaves a subject of exactly 255 characters alone", () => {
    const concern = "a".repeat(255 - "Call from +919988776655 - ".length);
    expect(ticketSubject(facts({ analysis: { ...analysis, concern } }))).toBe(`Call from +919988776655 - ${concern}`);
  });

  it("reads `Missed call from <customer number>` for a missed call", () => {
    expect(ticketSubject(facts({ analysis: null, transcript: null, transcriptGap: NO_RECORDING_GAP }))).toBe("Missed call from +919988776655");
  });
});

describe("ticketDescription", () => {
  it("lists the customer, agent, IST time, duration, direction, analysis, recording and call id", () => {
    expect(ticketDescription(facts()).split("\n")).toEqual([
      "Customer number: +919988776655",
      "Agent: Prateek (Customer Success)",
      "Call time: 20 Nov 2025, 9:41 AM IST",
      "Duration: 3m 12s",
      "Direction: Incoming",
      "Mood: Negative",
      "Concern: Refund request",
      "Summary: Customer wants a refund for a double charge.",
      "Transcript: Added as a private comment",
      `Recording: ${RECORDING}`,
      "",
      `Call ID: ${SID}`,
    ]);
  });

  it("leaves out the summary when the analysis has none and the department when the agent has none", () => {
    const text = ticketDescription(facts({ analysis: { ...analysis, summary: null, source: "keywords" }, parties: { ...parties, agent: { ...parties.agent, department: null } } }));
    expect(text).not.toContain("Summary:");
    expect(text).toContain("\nAgent: Prateek\n");
  });

  it("says Outgoing for an outgoing call", () => {
    expect(ticketDescription(facts({ parties: { ...parties, direction: "outgoing" } }))).toContain("\nDirection: Outgoing\n");
  });

  it("says the recording is not available and there is no transcript when there was no recording", () => {
    const text = ticketDescription(facts({ call: { ...call, recordingUrl: null }, transcript: null, transcriptGap: NO_RECORDING_GAP }));
    expect(text).toContain("\nTranscript: Not available (no recording was available for this call)\n");
    expect(text).toContain("\nRecording: Not available\n");
    expect(text.endsWith(`\nCall ID: ${SID}`)).toBe(true);
  });

  it("says no speech was detected for a silent recording", () => {
    const silent: Transcript = { turns: [{ speaker: "Agent", startSeconds: 0, text: "  " }], durationSeconds: 12, languages: [] };
    expect(ticketDescription(facts({ transcript: silent }))).toContain("\nTranscript: No speech detected in the recording\n");
  });

  it("writes an unknown duration as Unknown", () => {
    expect(ticketDescription(facts({ call: { ...call, durationSeconds: null } }))).toContain("\nDuration: Unknown\n");
  });

  it("describes a missed call by its status, with no analysis lines", () => {
    const text = ticketDescription(facts({ call: { ...call, status: "no-answer", recordingUrl: null }, analysis: null, transcript: null, transcriptGap: NO_RECORDING_GAP }));
    expect(text).toContain("\nStatus: Missed call (no-answer)\n");
    expect(text).not.toContain("Mood:");
    expect(text).not.toContain("Transcript:");
    expect(text).toContain(`\nCall ID: ${SID}`);
  });
});

describe("ticketDraft", () => {
  it("fills in the department, contact, phone, channel, status, priority and assignee", () => {
    const draft = ticketDraft(facts(), { departmentId: "1892000000006907", priority: "Medium", contactId: "1892000000042001", assigneeId: null });
    expect(draft).toEqual({
      subject: "Call from +919988776655 - Refund request",
      description: ticketDescription(facts()),
      departmentId: "1892000000006907",
      contactId: "1892000000042001",
      phone: "+919988776655",
      channel: "Phone",
      status: "Open",
      priority: "Medium",
      assigneeId: null,
    });
  });
});

describe("transcriptComments", () => {
  it("makes one private plain-text comment with the transcript and the call id", () => {
    expect(transcriptComments(SID, transcript, null)).toEqual([
      {
        content: `Call transcript\n\nAgent: Hello, how can I help?\nCustomer: I was charged twice.\n\n${callIdLine(SID)}`,
        isPublic: false,
        contentType: "plainText",
      },
    ]);
  });

  it("writes the call id line as `Call ID: <sid>`", () => {
    expect(callIdLine(SID)).toBe(`Call ID: ${SID}`);
  });

  it("says no speech was detected for an empty transcript", () => {
    const empty: Transcript = { turns: [], durationSeconds: 8, languages: [] };
    expect(transcriptComments(SID, empty, null)).toEqual([
      { content: `Call transcript\n\nNo speech was detected in the recording.\n\nCall ID: ${SID}`, isPublic: false, contentType: "plainText" },
    ]);
  });

  it("says why there is no transcript when the recording could not be read", () => {
    expect(transcriptComments(SID, null, "the recording could not be transcribed (Deepgram answered HTTP 400)")[0]!.content).toBe(
      `Call transcript\n\nThere is no transcript: the recording could not be transcribed (Deepgram answered HTTP 400).\n\nCall ID: ${SID}`,
    );
  });

  it("says there was no recording when there was none", () => {
    expect(transcriptComments(SID, null, NO_RECORDING_GAP)).toEqual([
      { content: `Call transcript\n\nThere is no transcript: no recording was available for this call.\n\nCall ID: ${SID}`, isPublic: false, contentType: "plainText" },
    ]);
  });

  it("keeps a transcript of just under 30,000 characters in one comment", () => {
    const comments = transcriptComments(SID, longTranscript(29_900), null);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.content.startsWith("Call transcript\n\n")).toBe(true);
  });

  it("splits a transcript past 30,000 characters into numbered comments, each with the call id and within 32,000 characters", () => {
    const long = longTranscript(75_000);
    const comments = transcriptComments(SID, long, null);
    expect(COMMENT_BODY_LIMIT).toBe(30_000);
    expect(comments).toHaveLength(3);
    comments.forEach((comment, index) => {
      expect(comment.content.startsWith(`Call transcript (part ${index + 1} of 3)\n\n`)).toBe(true);
      expect(comment.content.endsWith(`\n\nCall ID: ${SID}`)).toBe(true);
      expect(comment.content.length).toBeLessThanOrEqual(32_000);
      expect(comment.isPublic).toBe(false);
      expect(comment.contentType).toBe("plainText");
    });
    const bodies = comments.map((c, i) => c.content.slice(`Call transcript (part ${i + 1} of 3)\n\n`.length, -`\n\nCall ID: ${SID}`.length));
    expect(bodies.join("\n")).toBe(long.turns.map((t) => `${t.speaker}: ${t.text}`).join("\n"));
  });

  it("splits a single turn longer than the limit", () => {
    const monologue: Transcript = { turns: [{ speaker: "Customer", startSeconds: 0, text: "y".repeat(65_000) }], durationSeconds: null, languages: [] };
    const comments = transcriptComments(SID, monologue, null);
    expect(comments).toHaveLength(3);
    expect(comments.every((c) => c.content.length <= 32_000 && c.content.includes(`Call ID: ${SID}`))).toBe(true);
  });
});

describe("splitText", () => {
  it.each([
    ["keeps short text whole", "a\nb", 5, ["a\nb"]],
    ["breaks at line ends", "aa\nbb\ncc", 5, ["aa\nbb", "cc"]],
    ["cuts a line longer than the limit", "abcdefgh", 3, ["abc", "def", "gh"]],
    ["flushes the text before cutting a long line", "ab\ncdefgh", 3, ["ab", "cde", "fgh"]],
    ["returns one empty chunk for empty text", "", 3, [""]],
  ])("%s", (_label, text, max, expected) => {
    expect(splitText(text, max)).toEqual(expected);
  });
});
