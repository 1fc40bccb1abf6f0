import type { CountryCode } from "libphonenumber-js";
import type { AgentDirectory } from "../config/agents.js";
import type { Agent, CallParties, CallRecord } from "../domain/call.js";
import { phoneKey, toE164 } from "../lib/phone.js";

function customer(raw: string, country: CountryCode): string {
  return toE164(raw, country) ?? raw.trim();
}

export function isInbound(call: CallRecord): boolean {
  return call.exotelDirection.toLowerCase() === "inbound";
}

/**
 * Who was on the call (design §4): an active agent on `From` makes it outgoing, on `To` incoming.
 * Without a known agent the call falls to `default_agent` when the file allows it; otherwise null.
 */
export function identifyParties(call: CallRecord, agents: AgentDirectory, country: CountryCode): CallParties | null {
  const onFrom = agents.byNumber.get(phoneKey(call.from, country));
  if (onFrom?.active) return { agent: onFrom, agentNumber: call.from, customerNumber: customer(call.to, country), direction: "outgoing" };
  const onTo = agents.byNumber.get(phoneKey(call.to, country));
  if (onTo?.active) return { agent: onTo, agentNumber: call.to, customerNumber: customer(call.from, country), direction: "incoming" };
  if (agents.fallbackToDefault && agents.defaultAgent) return fallbackParties(call, agents.defaultAgent, country);
  return null;
}

/** The default agent (or a placeholder) with the customer on the far end of the call's own direction. */
export function fallbackParties(call: CallRecord, agent: Agent | null, country: CountryCode): CallParties {
  const inbound = isInbound(call);
  return {
    agent: agent ?? { name: "Unassigned", department: null, active: true, zohoAgentId: null, zohoAgentEmail: null, zohoDepartmentId: null },
    agentNumber: null,
    customerNumber: customer(inbound ? call.from : call.to, country),
    direction: inbound ? "incoming" : "outgoing",
  };
}
