/** A finished call as the program sees it, whatever Exotel's wire format was. Times are ISO-8601 UTC. */
export interface CallRecord {
  sid: string;
  /** As Exotel wrote it: national `0`-prefixed, E.164, or a `sip:` URI. */
  from: string;
  to: string;
  /** The ExoPhone the call used, when Exotel says (an inbound call's `To` stays this until an agent connects). */
  exoPhone: string | null;
  /** Exotel's own direction: `inbound`, `outbound-api`, `outbound-dial`. */
  exotelDirection: string;
  /** `completed`, `failed`, `busy`, `no-answer`, `canceled` (and live states on single lookups). */
  status: string;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  /** Talk time with the agent, when Exotel reports call details. */
  conversationSeconds: number | null;
  /** Status of the agent leg of an inbound call (`completed`, `no-answer`, …), when reported. */
  agentLegStatus: string | null;
  recordingUrl: string | null;
  updatedAt: string | null;
}

export interface Agent {
  name: string;
  department: string | null;
  active: boolean;
  zohoAgentId: string | null;
  zohoAgentEmail: string | null;
  zohoDepartmentId: string | null;
}

/** Who was on the call, once agents_config.json has been consulted. */
export interface CallParties {
  agent: Agent;
  /** The agent's number as the call showed it; null when the call fell back to the default agent. */
  agentNumber: string | null;
  /** E.164 when the number parses, otherwise as Exotel wrote it. */
  customerNumber: string;
  direction: "incoming" | "outgoing";
}

export interface TimeWindow {
  from: Date;
  to: Date;
}
