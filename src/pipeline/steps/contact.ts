import type { PipelineContext } from "../context.js";
import { letSearchCatchUp } from "./intent.js";
import { CallSkipped, required, type CallStep } from "./step.js";

/**
 * A contact this program created or found is reused without searching for this long: long enough
 * to cover Zoho's search lag, short enough that a contact merged or deleted in Desk is looked up anew.
 */
const CONTACT_MEMO_MS = 60 * 60_000;

/**
 * The latest contact create for `phone` that some call still under way recorded and never saw
 * answered. The contact is the caller's, not the call's: a second call from the same number must
 * wait for it to show in search just as the call that sent it does.
 */
function unansweredCreateFor(phone: string, ctx: PipelineContext): string | null {
  let latest: string | null = null;
  for (const [, entry] of ctx.store.pending()) {
    if (entry.intent?.kind !== "contact" || entry.parties?.customerNumber !== phone) continue;
    if (latest === null || Date.parse(entry.intent.at) > Date.parse(latest)) latest = entry.intent.at;
  }
  return latest;
}

async function lookUpOrCreate(sid: string, phone: string, ctx: PipelineContext) {
  const desk = required(ctx.desk, "help desk", sid);
  const remembered = ctx.store.contact(phone);
  if (remembered && ctx.now().getTime() - Date.parse(remembered.at) < CONTACT_MEMO_MS) return remembered.id;
  let found = await desk.findContactByPhone(phone, sid);
  const intentAt = found ? null : unansweredCreateFor(phone, ctx);
  if (intentAt && (await letSearchCatchUp(intentAt, `a contact for ${phone}`, sid, ctx))) found = await desk.findContactByPhone(phone, sid);
  if (found) {
    await ctx.store.rememberContact(phone, found.id);
    return found.id;
  }
  if (!ctx.config.tickets.autoCreateContact) {
    throw new CallSkipped(`caller ${phone} is not a Zoho Desk contact and ZOHO_DESK_AUTO_CREATE_CONTACT is false`);
  }
  await ctx.store.update(sid, { intent: { kind: "contact", at: ctx.now().toISOString() } });
  const created = await desk.createContact(phone, sid);
  await ctx.store.rememberContact(phone, created.id);
  ctx.logger.info({ sid, contactId: created.id }, `Created Zoho Desk contact ${phone} (ID: ${created.id})`);
  return created.id;
}

export const findOrCreateContact: CallStep = {
  name: "contact",
  writesToDesk: true,
  idempotency:
    "recorded intent; a repeat, or another call from the same number, finds the contact by phone (or in the contacts this program remembers) before creating, and waits for search while a create is unanswered",
  applies: () => true,
  async run(sid, entry, ctx) {
    const phone = required(entry.parties, "parties", sid).customerNumber;
    // Two calls from one new caller at once must not both create the contact.
    const contactId = await ctx.contactLocks.run(phone, () => lookUpOrCreate(sid, phone, ctx));
    return { set: { contactId, intent: null } };
  },
};
