import type { SandboxResponse } from "../core/http-service.js";
import { invalidData, unprocessable, urlNotFound } from "./desk-errors.js";
import type { DeskContact, DeskTicket } from "./desk-records.js";
import { fail, isPlainObject, ok, onlyParams, pageAnswer, readJsonObject, readPaging, type Checked, type DeskContext } from "./desk-request.js";
import { TICKET_STATUSES, type DeskStore } from "./desk-store.js";
import { EMAIL_PATTERN, FieldChecks } from "./field-checks.js";
import { containsText, matchesSearchValue, parseCustomFieldQuery, parseTimeRange } from "./search-match.js";

const TICKET_FIELDS = new Set([
  "subject",
  "departmentId",
  "contactId",
  "contact",
  "description",
  "phone",
  "email",
  "channel",
  "priority",
  "status",
  "assigneeId",
  "teamId",
  "category",
  "subCategory",
  "classification",
  "dueDate",
  "responseDueDate",
  "language",
  "productId",
  "accountId",
  "cf",
  "customFields",
  "uploads",
  "layoutId",
  "secondaryContacts",
  "resolution",
]);

const CHANNELS = ["Phone", "Email", "Web", "Chat", "Forums", "Twitter", "Facebook", "Instagram", "WhatsApp", "Feedback Widget", "Customer Portal", "Offline"];

/** Lists and searches show tickets without their description (read the ticket for it). */
export function listView(ticket: DeskTicket): Omit<DeskTicket, "description"> {
  const { description: _description, ...rest } = ticket;
  return rest;
}

/** `POST /tickets` (zoho-desk.md §3.1): 200 with the whole ticket, or 422 INVALID_DATA listing every bad field. */
export function createTicket(ctx: DeskContext): SandboxResponse {
  const body = readJsonObject(ctx.request);
  if (!body.ok) return body.response;
  const { store } = ctx;
  const fields = body.value;
  const check = new FieldChecks(fields);
  check.unknownFields(TICKET_FIELDS);

  const subject = check.text("subject", { required: true, max: 255 });
  const departmentId = check.text("departmentId", { required: true });
  if (typeof departmentId === "string" && !store.departments.some((d) => d.id === departmentId && d.isEnabled)) {
    check.invalid("/departmentId", "No enabled department has this id");
  }
  const contact = resolveContact(fields, check, store);
  const description = check.text("description", { max: 65_535 });
  const phone = check.text("phone", { max: 120 });
  const email = check.text("email", { max: 150 });
  if (typeof email === "string" && !EMAIL_PATTERN.test(email)) check.invalid("/email", "email is not an email address");
  const channel = check.choice("channel", CHANNELS);
  const priority = check.choice("priority", ctx.settings.priorities);
  const status = check.choice("status", TICKET_STATUSES);
  const assigneeId = check.text("assigneeId");
  if (typeof assigneeId === "string" && !store.agents.some((a) => a.id === assigneeId && a.status === "ACTIVE")) check.invalid("/assigneeId", "No active agent has this id");
  const dueDate = check.time("dueDate");
  const cf = fields["cf"];
  if (cf !== undefined && cf !== null && !isPlainObject(cf)) check.invalid("/cf", "cf must be an object of custom field values");
  const texts = Object.fromEntries(
    ["teamId", "category", "subCategory", "classification", "language", "productId", "accountId", "resolution"].map((key) => [key, check.text(key)]),
  );

  if (check.errors.length > 0 || !subject || !departmentId || !contact) return invalidData(check.errors);
  const customFields = isPlainObject(cf) ? cf : {};
  const ticket = store.createTicket({
    ...texts,
    subject,
    departmentId,
    contactId: contact.id,
    description,
    // Desk fills the ticket's phone and email from the contact when the request leaves them out.
    phone: phone ?? contact.phone ?? contact.mobile,
    email: email ?? contact.email,
    channel: channel ?? undefined,
    priority,
    status: status ?? undefined,
    assigneeId,
    dueDate,
    cf: customFields,
    customFields,
  });
  return { status: 200, body: ticket };
}

/** `contactId`, or a `contact` to match by email or create (zoho-desk.md §3.1). */
function resolveContact(fields: Record<string, unknown>, check: FieldChecks, store: DeskStore): DeskContact | null {
  const contactId = fields["contactId"];
  const contact = fields["contact"];
  if (contactId !== undefined && contactId !== null && contactId !== "") {
    const found = typeof contactId === "string" ? store.contacts.get(contactId) : undefined;
    if (!found) check.invalid("/contactId", "No contact has this id");
    return found ?? null;
  }
  if (contact === undefined || contact === null) {
    check.missing("/contactId");
    return null;
  }
  if (!isPlainObject(contact)) {
    check.invalid("/contact", "contact must be an object");
    return null;
  }
  const inner = new FieldChecks(contact);
  const lastName = inner.text("lastName", { max: 200, pointer: "/contact/lastName" });
  const email = inner.text("email", { max: 255, pointer: "/contact/email" });
  const firstName = inner.text("firstName", { max: 40, pointer: "/contact/firstName" });
  const phone = inner.text("phone", { max: 50, pointer: "/contact/phone" });
  if (!lastName && !email) inner.missing("/contact/lastName");
  check.errors.push(...inner.errors);
  if (inner.errors.length > 0) return null;
  const existing = email ? [...store.contacts.values()].find((c) => c.email?.toLowerCase() === email.toLowerCase()) : undefined;
  return existing ?? store.createContact({ lastName: lastName ?? email!.split("@")[0]!, firstName, email, phone });
}

export function getTicket(ctx: DeskContext): SandboxResponse {
  const ticket = ctx.store.tickets.get(ctx.params[0] ?? "");
  return ticket ? { status: 200, body: ticket } : urlNotFound();
}

/** `GET /tickets`: newest first, in list view. */
export function listTickets(ctx: DeskContext): SandboxResponse {
  const paging = readPaging(ctx.request.query, { defaultLimit: 25, maxLimit: 100 });
  if (!paging.ok) return paging.response;
  const departmentId = ctx.request.query.get("departmentId");
  const tickets = [...ctx.store.tickets.values()].filter((t) => !departmentId || t.departmentId === departmentId).reverse();
  return pageAnswer(tickets.map(listView), paging.value, { count: false });
}

const TICKET_SEARCH_PARAMS = new Set([
  "ticketNumber",
  "id",
  "contactId",
  "subject",
  "_all",
  "phone",
  "email",
  "status",
  "priority",
  "channel",
  "category",
  "departmentId",
  "assigneeId",
  "createdTimeRange",
  "modifiedTimeRange",
  "sortBy",
  "from",
  "limit",
  ...Array.from({ length: 10 }, (_, i) => `customField${i + 1}`),
]);

type TicketFilter = (ticket: DeskTicket) => boolean;

/** `GET /tickets/search` (zoho-desk.md §3.2): every given parameter must match; 204 when nothing does. */
export function searchTickets(ctx: DeskContext): SandboxResponse {
  const query = ctx.request.query;
  const known = onlyParams(query, TICKET_SEARCH_PARAMS);
  if (!known.ok) return known.response;
  const paging = readPaging(query, { defaultLimit: 10, maxLimit: 100 });
  if (!paging.ok) return paging.response;
  const filters = ticketFilters(query);
  if (!filters.ok) return filters.response;
  const order = ticketOrder(query.get("sortBy"));
  if (!order.ok) return order.response;
  const found = [...ctx.store.tickets.values()].filter((t) => ctx.store.isIndexed(t.id) && filters.value.every((f) => f(t))).sort(order.value);
  return pageAnswer(found.map(listView), paging.value, { count: true });
}

function ticketFilters(query: URLSearchParams): Checked<TicketFilter[]> {
  const filters: TicketFilter[] = [];
  for (const [key, value] of query) {
    switch (key) {
      case "_all":
        if (value.length < 3 || value.length > 100) return fail(unprocessable("The value of '_all' must have 3 to 100 characters."));
        filters.push((t) => containsText([t.subject, t.description, t.ticketNumber, t.phone, t.email, t.category, ...Object.values(t.cf)], value));
        break;
      case "subject":
        if (value.replace(/\*$/, "").length < 3) return fail(unprocessable("The value of 'subject' must have at least 3 characters."));
        filters.push((t) => matchesSearchValue(t.subject, value));
        break;
      case "phone":
        filters.push((t) => matchesSearchValue(t.phone, value, { leadingWildcard: true }));
        break;
      case "ticketNumber":
      case "id":
      case "contactId":
      case "email":
      case "status":
      case "priority":
      case "channel":
      case "category":
      case "departmentId":
      case "assigneeId":
        filters.push((t) => matchesSearchValue(t[key], value));
        break;
      case "createdTimeRange":
      case "modifiedTimeRange": {
        const range = parseTimeRange(value);
        if (!range) return fail(unprocessable(`The value of '${key}' must be two ISO times, 'from,to'.`));
        const field = key === "createdTimeRange" ? "createdTime" : "modifiedTime";
        filters.push((t) => {
          const time = Date.parse(t[field]);
          return time >= range.from && time <= range.to;
        });
        break;
      }
      default: {
        if (!key.startsWith("customField")) break;
        const custom = parseCustomFieldQuery(value);
        if (!custom) return fail(unprocessable(`The value of '${key}' must be 'cf_apiName:value'.`));
        filters.push((t) => {
          const stored = t.cf[custom.field];
          return matchesSearchValue(stored === undefined || stored === null ? null : String(stored), custom.value);
        });
      }
    }
  }
  return ok(filters);
}

const TICKET_SORTS = new Set(["relevance", "modifiedTime", "createdTime", "customerResponseTime"]);

function ticketOrder(sortBy: string | null): Checked<(a: DeskTicket, b: DeskTicket) => number> {
  const descending = sortBy?.startsWith("-") ?? false;
  const field = (sortBy ?? "relevance").replace(/^-/, "");
  if (!TICKET_SORTS.has(field)) return fail(unprocessable(`The value '${sortBy}' of 'sortBy' is invalid.`));
  // Relevance has no meaning without a ranking; newest first is what a person would expect.
  if (field === "relevance") return ok((a, b) => compareIds(b.id, a.id));
  const key = field as "modifiedTime" | "createdTime" | "customerResponseTime";
  return ok((a, b) => (Date.parse(a[key]) - Date.parse(b[key]) || compareIds(a.id, b.id)) * (descending ? -1 : 1));
}

export function compareIds(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference > 0n ? 1 : difference < 0n ? -1 : 0;
}
