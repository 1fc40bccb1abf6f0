import type { ZohoConfig } from "../config/config.js";
import type { CommentDraft, CommentRef, ContactRef, ExistingComment, TicketDraft, TicketRef } from "../domain/desk.js";
import type { HelpDesk } from "../domain/ports.js";
import type { ServiceLimiter } from "../lib/limiter.js";
import { phoneSpellings } from "../lib/phone.js";
import type { RetryListener, RetryPolicy } from "../lib/retry.js";
import type { Logger } from "../log.js";
import { DeskClient } from "./desk-client.js";
import { Comment, CommentList, Contact, ContactList, DeskAgent, Ticket, TicketList } from "./schema.js";
import { ZohoTokenManager, type TokenManagerDeps } from "./token-manager.js";

export interface ZohoDeskDeps extends Omit<TokenManagerDeps, "logger"> {
  limiter: ServiceLimiter;
  retry: RetryPolicy;
  logger: Logger;
  onRetry?: RetryListener;
}

/** How many comments Desk lists per page. */
const COMMENT_PAGE = 100;

function toTicketRef(ticket: Ticket): TicketRef {
  return { id: ticket.id, number: ticket.ticketNumber, webUrl: ticket.webUrl ?? null };
}

export interface ZohoHelpDesk extends HelpDesk {
  /** The Desk agent id for a login email, for ticket assignment; null when Desk has no such agent. */
  findAgentIdByEmail(email: string): Promise<string | null>;
}

/** The Zoho Desk adapter. */
export function createZohoHelpDesk(config: ZohoConfig, deps: ZohoDeskDeps): ZohoHelpDesk {
  const tokens = new ZohoTokenManager(config, deps);
  const desk = new DeskClient(config, { limiter: deps.limiter, retry: deps.retry, tokens, logger: deps.logger, onRetry: deps.onRetry });
  const agentIds = new Map<string, string | null>();

  async function ticketMentioning(callSid: string, ticket: Ticket): Promise<TicketRef | null> {
    const marker = `Call ID: ${callSid}`;
    if (ticket.description?.includes(marker)) return toTicketRef(ticket);
    // Search results may leave the description out or shorten it: read the ticket itself.
    const full = await desk.request({ method: "GET", path: `/tickets/${ticket.id}`, operation: "read ticket", callSid, schema: Ticket });
    return full?.description?.includes(marker) ? toTicketRef(full) : null;
  }

  return {
    async findContactByPhone(phone: string, callSid: string): Promise<ContactRef | null> {
      const spellings = phoneSpellings(phone);
      const national = spellings.at(-1);
      const values = [...spellings, ...(national ? [`*${national}`] : [])].join(",");
      for (const field of ["phone", "mobile"]) {
        const found = await desk.request({
          method: "GET",
          path: "/contacts/search",
          query: { [field]: values, limit: "10" },
          operation: "search contacts",
          callSid,
          schema: ContactList,
        });
        const first = found?.data[0];
        if (first) return { id: first.id };
      }
      return null;
    },

    async createContact(phone: string, callSid: string): Promise<ContactRef> {
      const created = await desk.request({
        method: "POST",
        path: "/contacts",
        body: { lastName: phone, phone, description: `Created from a phone call (Exotel call ${callSid}).` },
        operation: "create contact",
        callSid,
        schema: Contact,
      });
      if (!created) throw new Error("Zoho Desk answered create contact without a body");
      return { id: created.id };
    },

    async findTicketByCallSid(callSid, hint): Promise<TicketRef | null> {
      const bySid = await desk.request({
        method: "GET",
        path: "/tickets/search",
        query: { _all: callSid, limit: "10" },
        operation: "search tickets",
        callSid,
        schema: TicketList,
      });
      for (const ticket of bySid?.data ?? []) {
        const match = await ticketMentioning(callSid, ticket);
        if (match) return match;
      }
      if (!hint.contactId || !hint.createdAfter) return null;
      // Full-text search may not cover descriptions: also look at the contact's tickets created since the attempt.
      const range = `${new Date(hint.createdAfter.getTime() - 60_000).toISOString()},${new Date(Date.now() + 60_000).toISOString()}`;
      const recent = await desk.request({
        method: "GET",
        path: "/tickets/search",
        query: { contactId: hint.contactId, createdTimeRange: range, limit: "50" },
        operation: "search tickets",
        callSid,
        schema: TicketList,
      });
      for (const ticket of recent?.data ?? []) {
        const match = await ticketMentioning(callSid, ticket);
        if (match) return match;
      }
      return null;
    },

    async createTicket(draft: TicketDraft, callSid: string): Promise<TicketRef> {
      const { assigneeId, ...fields } = draft;
      const created = await desk.request({
        method: "POST",
        path: "/tickets",
        body: assigneeId ? { ...fields, assigneeId } : fields,
        operation: "create ticket",
        callSid,
        schema: Ticket,
      });
      if (!created) throw new Error("Zoho Desk answered create ticket without a body");
      return toTicketRef(created);
    },

    async listComments(ticketId: string, callSid: string): Promise<ExistingComment[]> {
      const all: ExistingComment[] = [];
      for (let from = 0; ; from += COMMENT_PAGE) {
        const page = await desk.request({
          method: "GET",
          path: `/tickets/${ticketId}/comments`,
          query: { from: String(from), limit: String(COMMENT_PAGE) },
          operation: "list comments",
          callSid,
          schema: CommentList,
        });
        const comments = page?.data ?? [];
        all.push(...comments.map((c) => ({ id: c.id, content: c.content ?? "" })));
        if (comments.length < COMMENT_PAGE) return all;
      }
    },

    async addComment(ticketId: string, draft: CommentDraft, callSid: string): Promise<CommentRef> {
      const created = await desk.request({
        method: "POST",
        path: `/tickets/${ticketId}/comments`,
        body: draft,
        operation: "add comment",
        callSid,
        schema: Comment,
      });
      if (!created) throw new Error("Zoho Desk answered add comment without a body");
      return { id: created.id };
    },

    async findAgentIdByEmail(email: string): Promise<string | null> {
      const key = email.toLowerCase();
      if (agentIds.has(key)) return agentIds.get(key) ?? null;
      try {
        const agent = await desk.request({ method: "GET", path: `/agents/email/${encodeURIComponent(email)}`, operation: "find agent", callSid: null, schema: DeskAgent });
        agentIds.set(key, agent?.id ?? null);
      } catch (error) {
        if ((error as { status?: number }).status !== 404) throw error;
        agentIds.set(key, null);
      }
      return agentIds.get(key) ?? null;
    },
  };
}
