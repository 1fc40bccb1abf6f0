import { describe, expect, it } from "vitest";
import type { CallParties, CallRecord } from "../domain/call.js";
import { callEndedAt, decide } from "./decide.js";

const MINUTE = 60_000;
const ENDED = "2025-11-20T04:14:58.000Z";
const RECORDING_WAIT_MS = 30 * MINUTE;

function call(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    sid: "4f1c2a0b9d8e7766554433221100ffeb",
    from: "09988776655",
    to: "09631084471",
    exoPhone: "08047112233",
    exotelDirection: "inbound",
    status: "completed",
    startedAt: "2025-11-20T04:11:05.000Z",
    endedAt: ENDED,
    durationSeconds: 233,
    conversationSeconds: null,
    agentLegStatus: null,
    recordingUrl: "https://recordings.exotel.com/exotelrecordings/acme1/4f1c2a0b9d8e7766554433221100ffeb.mp3",
    updatedAt: null,
    ...overrides,
  };
}

const parties: CallParties = {
  agent: { name: "Prateek", department: "Customer Success", active: true, zohoAgentId: null, zohoAgentEmail: null, zohoDepartmentId: null },
  agentNumber: "09631084471",
  customerNumber: "+919988776655",
  direction: "incoming",
};

/** `minutes` after the call ended, the program having first listed it as it ended. */
function after(minutes: number) {
  return { now: new Date(Date.parse(ENDED) + minutes * MINUTE), recordingWaitMs: RECORDING_WAIT_MS, firstSeenAt: new Date(ENDED) };
}

describe("decide", () => {
  it("tickets a completed call with a recording and a known agent, transcript included", () => {
    expect(decide(call(), parties, after(5))).toEqual({ action: "ticket", parties, withRecording: true });
  });

  it.each(["no-answer", "busy", "failed", "canceled", "cancelled", "No-Answer"])("treats status %s as a missed call", (status) => {
    expect(decide(call({ status, recordingUrl: null }), parties, after(1))).toEqual({ action: "missed", reason: `unanswered (${status.toLowerCase()})` });
  });

  it("treats an unanswered call as missed even with no known agent", () => {
    expect(decide(call({ status: "busy" }), null, after(1)).action).toBe("missed");
  });

  it.each(["in-progress", "ringing", "queued"])("waits for a call that is still %s", (status) => {
    expect(decide(call({ status }), parties, after(1))).toEqual({ action: "wait", reason: `call is ${status}` });
  });

  describe("a completed call without a recording yet", () => {
    const outbound = call({ exotelDirection: "outbound-api", from: "09631084471", to: "09988776655", recordingUrl: null });
    const outgoing: CallParties = { ...parties, customerNumber: "+919988776655", direction: "outgoing" };

    it("waits while RECORDING_WAIT has not passed", () => {
      expect(decide(outbound, outgoing, after(29))).toEqual({ action: "wait", reason: "waiting for the recording" });
    });

    it("is ticketed without a recording once RECORDING_WAIT has passed", () => {
      expect(decide(outbound, outgoing, after(30))).toEqual({ action: "ticket", parties: outgoing, withRecording: false });
    });

    it("counts the wait from the call's end, however late it was first listed", () => {
      const noEnd = { ...outbound, endedAt: null, startedAt: "2025-11-20T04:00:00.000Z", durationSeconds: 600 };
      const end = Date.parse("2025-11-20T04:10:00.000Z");
      const at = (ms: number) => ({ now: new Date(ms), recordingWaitMs: RECORDING_WAIT_MS, firstSeenAt: new Date(end + 20 * MINUTE) });
      expect(decide(noEnd, outgoing, at(end + 30 * MINUTE - 1000)).action).toBe("wait");
      expect(decide(noEnd, outgoing, at(end + 30 * MINUTE)).action).toBe("ticket");
    });

    it("counts the wait from when it was first listed while Exotel has not said when it ended", () => {
      const longCall = { ...outbound, startedAt: "2025-11-20T03:00:00.000Z", endedAt: null, durationSeconds: null };
      const listedAt = Date.parse("2025-11-20T03:50:00.000Z");
      const at = (ms: number) => ({ now: new Date(ms), recordingWaitMs: RECORDING_WAIT_MS, firstSeenAt: new Date(listedAt) });
      expect(decide(longCall, outgoing, at(listedAt)).action).toBe("wait");
      expect(decide(longCall, outgoing, at(listedAt + 30 * MINUTE - 1000)).action).toBe("wait");
      expect(decide(longCall, outgoing, at(listedAt + 30 * MINUTE)).action).toBe("ticket");
    });

    it("tickets an inbound call whose agent leg connected once RECORDING_WAIT has passed", () => {
      expect(decide(call({ recordingUrl: null, agentLegStatus: "completed" }), parties, after(31))).toEqual({ action: "ticket", parties, withRecording: false });
    });
  });

  describe("an inbound call whose agent leg did not answer", () => {
    it.each(["no-answer", "busy", "failed", "canceled"])("is missed when the agent leg status is %s", (leg) => {
      expect(decide(call({ agentLegStatus: leg, recordingUrl: null }), parties, after(1))).toEqual({ action: "missed", reason: "no agent answered" });
    });

    it("is missed when the conversation lasted zero seconds", () => {
      expect(decide(call({ conversationSeconds: 0, recordingUrl: null }), null, after(1))).toEqual({ action: "missed", reason: "no agent answered" });
    });

    it("is missed when To is still the ExoPhone after the recording wait", () => {
      const unanswered = call({ to: "08047112233", recordingUrl: null });
      expect(decide(unanswered, null, after(29)).action).toBe("wait");
      expect(decide(unanswered, null, after(30))).toEqual({ action: "missed", reason: "no agent answered" });
    });

    it("matches the ExoPhone on To in any spelling", () => {
      expect(decide(call({ to: "+91 80 4711 2233", exoPhone: "08047112233", recordingUrl: null }), null, after(45)).action).toBe("missed");
    });
  });

  describe("an inbound call whose record says it was answered", () => {
    const onExoPhone = { to: "08047112233", recordingUrl: null };

    it.each([
      ["the agent leg completed", { agentLegStatus: "completed" }],
      ["there was talk time", { conversationSeconds: 95 }],
    ])("is never missed when %s, even with To still the ExoPhone after the wait", (_label, answered) => {
      expect(decide(call({ ...onExoPhone, ...answered }), null, after(45))).toEqual({ action: "skip", reason: "no agent detected" });
    });

    it("waits to settle when first listed long after it started, with neither end nor agent filled in yet", () => {
      const longCall = call({ ...onExoPhone, agentLegStatus: "completed", startedAt: "2025-11-20T03:30:00.000Z", endedAt: null, durationSeconds: null });
      expect(decide(longCall, null, after(0))).toEqual({ action: "wait", reason: "waiting for the recording" });
    });

    it("waits for Exotel to name the agent even when the recording is already there", () => {
      const recorded = call({ to: "08047112233", agentLegStatus: "completed" });
      expect(decide(recorded, null, after(5))).toEqual({ action: "wait", reason: "waiting for Exotel to settle the call" });
      expect(decide(recorded, null, after(30))).toEqual({ action: "skip", reason: "no agent detected" });
    });
  });

  it("does not treat an outbound call's agent leg as an unanswered inbound call", () => {
    const outbound = call({ exotelDirection: "outbound-api", agentLegStatus: "no-answer", conversationSeconds: 0 });
    expect(decide(outbound, parties, after(5)).action).toBe("ticket");
  });

  describe("a completed call with no known agent", () => {
    it("is skipped", () => {
      expect(decide(call({ exotelDirection: "outbound-api", to: "09988776655" }), null, after(5))).toEqual({ action: "skip", reason: "no agent detected" });
    });

    it("is skipped at once, recording or not, when outgoing or settled onto a number other than the ExoPhone", () => {
      const skip = { action: "skip", reason: "no agent detected" };
      expect(decide(call({ exotelDirection: "outbound-dial", to: "09988776655", recordingUrl: null }), null, after(1))).toEqual(skip);
      expect(decide(call({ recordingUrl: null }), null, after(1))).toEqual(skip);
    });

    it("waits for the recording while an inbound call is still on the ExoPhone (it may be a missed call)", () => {
      expect(decide(call({ to: "08047112233", recordingUrl: null }), null, after(1))).toEqual({ action: "wait", reason: "waiting for the recording" });
      expect(decide(call({ to: "08047112233", recordingUrl: null }), null, after(31))).toEqual({ action: "missed", reason: "no agent answered" });
    });

    const unsettled = call({ durationSeconds: null, endedAt: null });
    const listedAt = new Date("2025-11-20T04:11:30.000Z");

    it("waits while an inbound call has not settled (To may still be the ExoPhone)", () => {
      expect(decide(unsettled, null, { now: new Date("2025-11-20T04:12:00.000Z"), recordingWaitMs: RECORDING_WAIT_MS, firstSeenAt: listedAt })).toEqual({
        action: "wait",
        reason: "waiting for Exotel to settle the call",
      });
    });

    it("is skipped once the inbound call has had RECORDING_WAIT to settle since it was first listed", () => {
      expect(decide(unsettled, null, { now: new Date("2025-11-20T04:41:30.000Z"), recordingWaitMs: RECORDING_WAIT_MS, firstSeenAt: listedAt })).toEqual({
        action: "skip",
        reason: "no agent detected",
      });
    });
  });
});

describe("callEndedAt", () => {
  it("uses EndTime when Exotel gave one", () => {
    expect(callEndedAt(call())).toBe(Date.parse(ENDED));
  });

  it("adds the duration to the start otherwise", () => {
    expect(callEndedAt(call({ endedAt: null, durationSeconds: 60 }))).toBe(Date.parse("2025-11-20T04:12:05.000Z"));
  });

  it("is unknown while Exotel has filled in neither", () => {
    expect(callEndedAt(call({ endedAt: null, durationSeconds: null }))).toBeNull();
  });
});
