import type { SandboxResponse } from "../core/http-service.js";
import { invalidData, resourceSizeExceeded, unsupportedMediaType, urlNotFound } from "./desk-errors.js";
import { pageAnswer, readPaging, type DeskContext } from "./desk-request.js";
import { multipartBoundary, parseMultipart } from "./multipart.js";

/** `POST /tickets/{id}/attachments?isPublic=`: one multipart part named `file` (zoho-desk.md §5). */
export function addAttachment(ctx: DeskContext): SandboxResponse {
  const ticket = ctx.store.tickets.get(ctx.params[0] ?? "");
  if (!ticket) return urlNotFound();
  const boundary = multipartBoundary(ctx.request.headers["content-type"]);
  if (!boundary) return unsupportedMediaType();
  const parts = parseMultipart(ctx.request.body, boundary);
  const file = parts?.find((p) => p.name === "file" && p.filename !== null);
  if (!file) return invalidData([{ fieldName: "/file", errorType: "missing" }]);
  if (file.data.length > ctx.settings.maxAttachmentBytes) return resourceSizeExceeded(ctx.settings.maxAttachmentBytes);
  const attachment = ctx.store.addAttachment(
    ticket,
    { name: file.filename || "attachment", content: Buffer.from(file.data), contentType: file.contentType, isPublic: ctx.request.query.get("isPublic") === "true" },
    ctx.settings.apiOrigin(),
  );
  return { status: 200, body: attachment };
}

export function listAttachments(ctx: DeskContext): SandboxResponse {
  const ticketId = ctx.params[0] ?? "";
  if (!ctx.store.tickets.has(ticketId)) return urlNotFound();
  const paging = readPaging(ctx.request.query, { defaultLimit: 50, maxLimit: 100 });
  if (!paging.ok) return paging.response;
  return pageAnswer((ctx.store.attachments.get(ticketId) ?? []).map((s) => s.attachment), paging.value, { count: false });
}

/** The file itself, as uploaded. */
export function attachmentContent(ctx: DeskContext): SandboxResponse {
  const stored = ctx.store.attachments.get(ctx.params[0] ?? "")?.find((s) => s.attachment.id === ctx.params[1]);
  if (!stored) return urlNotFound();
  return {
    status: 200,
    headers: {
      "content-type": stored.contentType ?? "application/octet-stream",
      "content-disposition": `attachment; filename="${stored.attachment.name.replace(/"/g, "")}"`,
    },
    body: stored.content,
  };
}
