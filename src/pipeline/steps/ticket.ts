import type { PipelineContext } from "../context.js";
import { ticketDraft, transcriptGapOf } from "../ticket-content.js";
import { letSearchCatchUp } from "./intent.js";
import { required, type CallStep } from "./step.js";
import type { CallState } from "../../state/model.js";

async function assigneeFor(entry: Readonly<CallState>, sid: string, ctx: PipelineContext): Promise<string | null> {
  const agent = required(entry.parties, "parties", sid).agent;
  if (agent.zohoAgentId) return agent.zohoAgentId;
  if (!agent.zohoAgentEmail || !ctx.desk?.findAgentIdByEmail) return null;
  const id = await ctx.desk.findAgentIdByEmail(agent.zohoAgentEmail);
  if (!id) ctx.logger.warn({ sid }, `Zoho Desk has no agent ${agent.zohoAgentEmail}; the ticket for call ${sid} stays unassigned`);
  return id;
}

export const createTicket: CallStep = {
  name: "ticket",
  writesToDesk: true,
  idempotency: "recorded intent; a repeat searches Desk for the ticket carrying `Call ID: <sid>` before creating",
  applies: () => true,
  async run(sid, entry, ctx) {
    const desk = required(ctx.desk, "help desk", sid);
    const contactId = required(entry.contactId, "contact", sid);
    const intentAt = entry.intent?.kind === "ticket" ? entry.intent.at : null;
    if (intentAt || entry.lookupFirst) {
      const lookUp = () => desk.findTicketByCallSid(sid, { contactId, createdAfter: intentAt ? new Date(intentAt) : null });
      let existing = await lookUp();
      if (!existing && intentAt && (await letSearchCatchUp(intentAt, `a ticket for call ${sid}`, sid, ctx))) existing = await lookUp();
      if (existing) {
        ctx.logger.info({ sid, ticketId: existing.id }, `Found Zoho Desk ticket #${existing.number} (ID: ${existing.id}) already made for call ${sid}; not creating another`);
        return { set: { ticket: existing, intent: null } };
      }
    }
    const parties = required(entry.parties, "parties", sid);
    const draft = ticketDraft(
      {
        call: required(entry.call, "call record", sid),
        parties,
        analysis: entry.plan === "missed" ? null : required(entry.analysis, "analysis", sid),
        transcript: entry.transcript ?? null,
        transcriptGap: transcriptGapOf(entry),
      },
      {
        departmentId: parties.agent.zohoDepartmentId ?? required(ctx.config.tickets.departmentId, "department id", sid),
        priority: ctx.config.tickets.defaultPriority,
        contactId,
        assigneeId: await assigneeFor(entry, sid, ctx),
      },
    );
    await ctx.store.update(sid, { intent: { kind: "ticket", at: ctx.now().toISOString() } });
    const ticket = await desk.createTicket(draft, sid);
    ctx.logger.info({ sid, ticketId: ticket.id }, `✓ Created Zoho Desk ticket #${ticket.number} (ID: ${ticket.id}) for call ${sid}`);
    return { set: { ticket, intent: null, lookupFirst: false } };
  },
};
