import { describe, expect, it } from "vitest";
import { parseAgentDirectory, type AgentDirectory } from "../config/agents.js";
import type { CallRecord } from "../domain/call.js";
import { fallbackParties, identifyParties, isInbound } from "./parties.js";

function call(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    sid: "4f1c2a0b9d8e7766554433221100ffeb",
    from: "09988776655",
    to: "09812345670",
    exoPhone: "08047112233",
    exotelDirection: "inbound",
    status: "completed",
    startedAt: "2025-11-20T04:11:05.000Z",
    endedAt: "2025-11-20T04:14:58.000Z",
    durationSeconds: 233,
    conversationSeconds: null,
    agentLegStatus: null,
    recordingUrl: "https://recordings.exotel.com/exotelrecordings/acme1/4f1c2a0b9d8e7766554433221100ffeb.mp3",
    updatedAt: null,
    ...overrides,
  };
}

function directory(extra: Record<string, unknown> = {}): AgentDirectory {
  return parseAgentDirectory(
    "agents_config.json",
    {
      agents: {
        "09631084471": { name: "Prateek", department: "Customer Success", active: true },
        "+91 98450-12345": { name: "Ananya", department: "Billing" },
        "9000011111": { name: "Ravi", active: false },
        "sip:meera@acme.exotel.com": { name: "Meera" },
      },
      default_agent: { name: "Support", department: "Customer Success" },
      ...extra,
    },
    "IN",
  );
}

const agents = directory();

describe("identifyParties", () => {
  it("treats an agent on From as an outgoing call with the customer on To", () => {
    const parties = identifyParties(call({ from: "09631084471", to: "09988776655", exotelDirection: "outbound-api" }), agents, "IN");
    expect(parties).toEqual({
      agent: { name: "Prateek", department: "Customer Success", active: true, zohoAgentId: null, zohoAgentEmail: null, zohoDepartmentId: null },
      agentNumber: "09631084471",
      customerNumber: "+919988776655",
      direction: "outgoing",
    });
  });

  it("treats an agent on To as an incoming call with the customer on From", () => {
    const parties = identifyParties(call({ from: "09988776655", to: "09845012345" }), agents, "IN");
    expect(parties?.agent.name).toBe("Ananya");
    expect(parties?.agentNumber).toBe("09845012345");
    expect(parties?.customerNumber).toBe("+919988776655");
    expect(parties?.direction).toBe("incoming");
  });

  it.each(["09631084471", "9631084471", "+919631084471", "919631084471", "+91 96310 84471"])("recognises the agent when the call writes the number as %s", (number) => {
    expect(identifyParties(call({ from: number, to: "09988776655" }), agents, "IN")?.agent.name).toBe("Prateek");
  });

  it("recognises an agent on a SIP address whatever its case", () => {
    const parties = identifyParties(call({ from: "09988776655", to: "SIP:Meera@acme.exotel.com" }), agents, "IN");
    expect(parties?.agent.name).toBe("Meera");
    expect(parties?.direction).toBe("incoming");
  });

  it("keeps a customer number that is not a phone number as Exotel wrote it", () => {
    const parties = identifyParties(call({ from: " anonymous ", to: "09631084471" }), agents, "IN");
    expect(parties?.customerNumber).toBe("anonymous");
  });

  it("treats an inactive agent as unknown", () => {
    expect(identifyParties(call({ from: "09000011111", to: "09988776655", exotelDirection: "outbound-api" }), agents, "IN")).toBeNull();
    expect(identifyParties(call({ from: "09988776655", to: "09000011111" }), agents, "IN")).toBeNull();
  });

  it("finds the active agent on To when the agent on From is inactive", () => {
    const parties = identifyParties(call({ from: "09000011111", to: "09631084471" }), agents, "IN");
    expect(parties?.agent.name).toBe("Prateek");
    expect(parties?.customerNumber).toBe("+919000011111");
    expect(parties?.direction).toBe("incoming");
  });

  it("returns null for a call with no known agent", () => {
    expect(identifyParties(call({ from: "09988776655", to: "08047112233" }), agents, "IN")).toBeNull();
  });

  describe("with settings.fallback_to_default", () => {
    const withFallback = directory({ settings: { fallback_to_default: true } });

    it("gives an inbound call with no known agent to the default agent, customer on From", () => {
      expect(identifyParties(call({ from: "09988776655", to: "08047112233" }), withFallback, "IN")).toEqual({
        agent: { name: "Support", department: "Customer Success", active: true, zohoAgentId: null, zohoAgentEmail: null, zohoDepartmentId: null },
        agentNumber: null,
        customerNumber: "+919988776655",
        direction: "incoming",
      });
    });

    it("gives an outbound call with no known agent to the default agent, customer on To", () => {
      const parties = identifyParties(call({ from: "08047112233", to: "09988776655", exotelDirection: "outbound-dial" }), withFallback, "IN");
      expect(parties?.agent.name).toBe("Support");
      expect(parties?.customerNumber).toBe("+919988776655");
      expect(parties?.direction).toBe("outgoing");
    });

    it("gives a call with only an inactive agent to the default agent", () => {
      const parties = identifyParties(call({ from: "09988776655", to: "09000011111" }), withFallback, "IN");
      expect(parties?.agent.name).toBe("Support");
      expect(parties?.agentNumber).toBeNull();
    });

    it("still prefers a known agent over the default one", () => {
      expect(identifyParties(call({ from: "09988776655", to: "09631084471" }), withFallback, "IN")?.agent.name).toBe("Prateek");
    });
  });

  it("skips rather than falls back when fallback_to_default is false", () => {
    const noFallback = directory({ settings: { fallback_to_default: false } });
    expect(identifyParties(call({ from: "09988776655", to: "08047112233" }), noFallback, "IN")).toBeNull();
  });
});

describe("fallbackParties", () => {
  it("uses an Unassigned placeholder when there is no default agent", () => {
    const parties = fallbackParties(call({ from: "09988776655" }), null, "IN");
    expect(parties.agent.name).toBe("Unassigned");
    expect(parties.agent.active).toBe(true);
    expect(parties.customerNumber).toBe("+919988776655");
  });
});

describe("isInbound", () => {
  it.each([
    ["inbound", true],
    ["Inbound", true],
    ["outbound-api", false],
    ["outbound-dial", false],
  ])("reads Direction %s as inbound=%s", (direction, expected) => {
    expect(isInbound(call({ exotelDirection: direction }))).toBe(expected);
  });
});
