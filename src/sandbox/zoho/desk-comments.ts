import type { SandboxResponse } from "../core/http-service.js";
import { invalidData, unprocessable, urlNotFound } from "./desk-errors.js";
import type { DeskAttachment } from "./desk-records.js";
import { readJsonObject, readPaging, type DeskContext } from "./desk-request.js";
import { FieldChecks } from "./field-checks.js";

/** Zoho's cap on one comment (zoho-desk.md §4); longer transcripts must be split. */
export const MAX_COMMENT_CHARS = 32_000;

const COMMENT_FIELDS = new Set(["content", "isPublic", "contentType", "attachmentIds"]);

/** `POST /tickets/{id}/comments`: 200 with the comment; the ticket's `commentCount` goes up. */
export function addComment(ctx: DeskContext): SandboxResponse {
  const ticket = ctx.store.tickets.get(ctx.params[0] ?? "");
  if (!ticket) return urlNotFound();
  const body = readJsonObject(ctx.request);
  if (!body.ok) return body.response;
  const check = new FieldChecks(body.value);
  check.unknownFields(COMMENT_FIELDS);
  const content = check.text("content", { required: true, max: MAX_COMMENT_CHARS });
  const contentType = check.choice("contentType", ["html", "plainText"]);
  const isPublic = check.boolean("isPublic");
  const attachments = attachmentsFor(body.value["attachmentIds"], ctx, ticket.id, check);
  if (check.errors.length > 0 || !content) return invalidData(check.errors);
  // Whether a comment is public when `isPublic` is left out is not documented; private is the safe guess.
  const comment = ctx.store.addComment(ticket, { content, contentType: (contentType ?? "html") as "html" | "plainText", isPublic: isPublic ?? false, attachments });
  return { status: 200, body: comment };
}

function attachmentsFor(ids: unknown, ctx: DeskContext, ticketId: string, check: FieldChecks): DeskAttachment[] {
  if (ids === undefined || ids === null) return [];
  if (!Array.isArray(ids)) {
    check.invalid("/attachmentIds", "attachmentIds must be an array of attachment ids");
    return [];
  }
  const stored = ctx.store.attachments.get(ticketId) ?? [];
  return ids.flatMap((id, index) => {
    const found = stored.find((s) => s.attachment.id === String(id));
    if (!found) check.invalid(`/attachmentIds/${index}`, "No attachment of this ticket has this id");
    return found ? [found.attachment] : [];
  });
}

/**
 * `GET /tickets/{id}/comments`: oldest first unless `sortBy=-commentedTime`. Zoho's OpenAPI file
 * declares only a 200 answer here (no 204), so a ticket without comments gives `{"data":[]}`.
 */
export function listComments(ctx: DeskContext): SandboxResponse {
  const ticket = ctx.store.tickets.get(ctx.params[0] ?? "");
  if (!ticket) return urlNotFound();
  const paging = readPaging(ctx.request.query, { defaultLimit: 50, maxLimit: 100 });
  if (!paging.ok) return paging.response;
  const sortBy = ctx.request.query.get("sortBy") ?? "commentedTime";
  if (sortBy !== "commentedTime" && sortBy !== "-commentedTime") return unprocessable(`The value '${sortBy}' of 'sortBy' is invalid.`);
  const comments = [...(ctx.store.comments.get(ticket.id) ?? [])];
  if (sortBy === "-commentedTime") comments.reverse();
  const { from, limit } = paging.value;
  return { status: 200, body: { data: comments.slice(from, from + limit) } };
}

export function getComment(ctx: DeskContext): SandboxResponse {
  const comment = ctx.store.comments.get(ctx.params[0] ?? "")?.find((c) => c.id === ctx.params[1]);
  return comment ? { status: 200, body: comment } : urlNotFound();
}
