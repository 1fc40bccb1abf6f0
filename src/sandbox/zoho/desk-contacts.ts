import type { SandboxResponse } from "../core/http-service.js";
import { invalidData, unprocessable, urlNotFound } from "./desk-errors.js";
import type { DeskContact } from "./desk-records.js";
import { fail, isPlainObject, ok, onlyParams, pageAnswer, readJsonObject, readPaging, type Checked, type DeskContext } from "./desk-request.js";
import { compareIds } from "./desk-tickets.js";
import { EMAIL_PATTERN, FieldChecks } from "./field-checks.js";
import { containsText, matchesSearchValue, parseCustomFieldQuery } from "./search-match.js";

const CONTACT_FIELDS = new Set([
  "firstName",
  "lastName",
  "email",
  "secondaryEmail",
  "phone",
  "mobile",
  "description",
  "title",
  "type",
  "ownerId",
  "accountId",
  "cf",
  "customFields",
  "street",
  "city",
  "state",
  "country",
  "zip",
  "facebook",
  "twitter",
]);

/**
 * `POST /contacts` (zoho-desk.md §6.2): `lastName` required. Nothing stops two contacts having
 * the same phone number, so callers must search first and remember what they made.
 */
export function createContact(ctx: DeskContext): SandboxResponse {
  const body = readJsonObject(ctx.request);
  if (!body.ok) return body.response;
  const check = new FieldChecks(body.value);
  check.unknownFields(CONTACT_FIELDS);
  const lastName = check.text("lastName", { required: true, max: 200 });
  const firstName = check.text("firstName", { max: 40 });
  const email = check.text("email", { max: 255 });
  if (typeof email === "string" && !EMAIL_PATTERN.test(email)) check.invalid("/email", "email is not an email address");
  const secondaryEmail = check.text("secondaryEmail", { max: 255 });
  const phone = check.text("phone", { max: 50 });
  const mobile = check.text("mobile", { max: 50 });
  const description = check.text("description", { max: 65_535 });
  const title = check.text("title", { max: 100 });
  const type = check.text("type");
  const accountId = check.text("accountId");
  const ownerId = check.text("ownerId");
  if (typeof ownerId === "string" && !ctx.store.agents.some((a) => a.id === ownerId)) check.invalid("/ownerId", "No agent has this id");
  const cf = body.value["cf"];
  if (cf !== undefined && cf !== null && !isPlainObject(cf)) check.invalid("/cf", "cf must be an object of custom field values");
  if (check.errors.length > 0 || !lastName) return invalidData(check.errors);
  const contact = ctx.store.createContact({
    lastName,
    firstName,
    email,
    secondaryEmail,
    phone,
    mobile,
    description,
    title,
    type,
    accountId,
    ownerId: ownerId ?? undefined,
    cf: isPlainObject(cf) ? cf : {},
  });
  return { status: 200, body: contact };
}

export function getContact(ctx: DeskContext): SandboxResponse {
  const contact = ctx.store.contacts.get(ctx.params[0] ?? "");
  return contact ? { status: 200, body: contact } : urlNotFound();
}

export function listContacts(ctx: DeskContext): SandboxResponse {
  const paging = readPaging(ctx.request.query, { defaultLimit: 10, maxLimit: 100 });
  if (!paging.ok) return paging.response;
  return pageAnswer([...ctx.store.contacts.values()].reverse(), paging.value, { count: false });
}

const CONTACT_SEARCH_PARAMS = new Set([
  "phone",
  "mobile",
  "email",
  "firstName",
  "lastName",
  "fullName",
  "accountName",
  "id",
  "_all",
  "sortBy",
  "from",
  "limit",
  ...Array.from({ length: 10 }, (_, i) => `customField${i + 1}`),
]);

type ContactFilter = (contact: DeskContact) => boolean;

/**
 * `GET /contacts/search` (zoho-desk.md §6.1): matching is on the stored string, so a number
 * stored as `+919631084471` is found by that spelling, by `*9631084471`, or by a comma list.
 */
export function searchContacts(ctx: DeskContext): SandboxResponse {
  const query = ctx.request.query;
  const known = onlyParams(query, CONTACT_SEARCH_PARAMS);
  if (!known.ok) return known.response;
  const paging = readPaging(query, { defaultLimit: 10, maxLimit: 100 });
  if (!paging.ok) return paging.response;
  const filters = contactFilters(query);
  if (!filters.ok) return filters.response;
  const sortBy = query.get("sortBy") ?? "relevance";
  const field = sortBy.replace(/^-/, "");
  if (!["relevance", "modifiedTime", "createdTime", "lastName", "firstName"].includes(field)) return unprocessable(`The value '${sortBy}' of 'sortBy' is invalid.`);
  const found = [...ctx.store.contacts.values()].filter((c) => ctx.store.isIndexed(c.id) && filters.value.every((f) => f(c)));
  found.sort((a, b) => {
    if (field === "relevance") return compareIds(b.id, a.id);
    const key = field as "modifiedTime" | "createdTime" | "lastName" | "firstName";
    const order = String(a[key] ?? "").localeCompare(String(b[key] ?? "")) || compareIds(a.id, b.id);
    return sortBy.startsWith("-") ? -order : order;
  });
  return pageAnswer(found, paging.value, { count: true });
}

function contactFilters(query: URLSearchParams): Checked<ContactFilter[]> {
  const filters: ContactFilter[] = [];
  for (const [key, value] of query) {
    switch (key) {
      case "phone":
      case "mobile":
        filters.push((c) => matchesSearchValue(c[key], value, { leadingWildcard: true }));
        break;
      case "email":
      case "firstName":
      case "lastName":
      case "id":
        filters.push((c) => matchesSearchValue(c[key], value));
        break;
      case "fullName":
        filters.push((c) => matchesSearchValue([c.firstName, c.lastName].filter(Boolean).join(" "), value));
        break;
      case "accountName":
        // The sandbox has no accounts: no contact belongs to one.
        filters.push(() => false);
        break;
      case "_all":
        if (value.length < 3 || value.length > 100) return fail(unprocessable("The value of '_all' must have 3 to 100 characters."));
        filters.push((c) => containsText([c.firstName, c.lastName, c.email, c.secondaryEmail, c.phone, c.mobile, c.description, c.title], value));
        break;
      default: {
        if (!key.startsWith("customField")) break;
        const custom = parseCustomFieldQuery(value);
        if (!custom) return fail(unprocessable(`The value of '${key}' must be 'cf_apiName:value'.`));
        filters.push((c) => {
          const stored = c.cf[custom.field];
          return matchesSearchValue(stored === undefined || stored === null ? null : String(stored), custom.value);
        });
      }
    }
  }
  return ok(filters);
}
