import type { ExistingComment } from "../../domain/desk.js";
import type { PipelineContext } from "../context.js";
import { callIdLine, partLabel, transcriptComments, transcriptGapOf } from "../ticket-content.js";
import { required, type CallStep } from "./step.js";

function isOurPart(comment: ExistingComment, sid: string, part: number, total: number): boolean {
  return comment.content.includes(callIdLine(sid)) && comment.content.includes(partLabel(part, total));
}

async function findPart(ticketId: string, sid: string, part: number, total: number, ctx: PipelineContext): Promise<string | null> {
  const comments = await required(ctx.desk, "help desk", sid).listComments(ticketId, sid);
  return comments.find((c) => isOurPart(c, sid, part, total))?.id ?? null;
}

export const addTranscriptComments: CallStep = {
  name: "comments",
  writesToDesk: true,
  idempotency: "recorded intent per part; a repeat looks for the part among the ticket's comments before adding it",
  applies: (entry) => entry.plan === "ticket",
  async run(sid, entry, ctx) {
    const desk = required(ctx.desk, "help desk", sid);
    const ticket = required(entry.ticket, "ticket", sid);
    const parts = transcriptComments(sid, entry.transcript ?? null, transcriptGapOf(entry));
    const ids = [...(entry.commentIds ?? [])];
    let intent = entry.intent?.kind === "comment" ? entry.intent : null;
    for (let part = ids.length + 1; part <= parts.length; part++) {
      const existing = intent?.part === part ? await findPart(ticket.id, sid, part, parts.length, ctx) : null;
      if (existing) {
        ids.push(existing);
      } else {
        await ctx.store.update(sid, { intent: { kind: "comment", part, at: ctx.now().toISOString() } });
        ids.push((await desk.addComment(ticket.id, parts[part - 1]!, sid)).id);
      }
      intent = null;
      // The last part is saved with the step itself.
      if (part < parts.length) await ctx.store.update(sid, { commentIds: ids, intent: null });
    }
    ctx.logger.info({ sid, ticketId: ticket.id }, `✓ Added transcription note to ticket #${ticket.number}`);
    return { set: { commentIds: ids, intent: null } };
  },
};
