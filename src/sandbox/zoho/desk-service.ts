import type { FaultInjector } from "../core/faults.js";
import type { SandboxRequest, SandboxResponse } from "../core/http-service.js";
import { addAttachment, attachmentContent, listAttachments } from "./desk-attachments.js";
import { addComment, getComment, listComments } from "./desk-comments.js";
import { createContact, getContact, listContacts, searchContacts } from "./desk-contacts.js";
import type { CreditPool } from "./desk-credits.js";
import {
  internalError,
  invalidOAuth,
  methodNotAllowed,
  orgMismatch,
  scopeMismatch,
  thresholdExceeded,
  tooManyRequests,
  unauthorized,
  unprocessable,
  urlNotFound,
} from "./desk-errors.js";
import type { DeskContext, DeskSettings } from "./desk-request.js";
import { getAgent, getAgentByEmail, getDepartment, getOrganization, listAgents, listDepartments, listOrganizations, myInfo } from "./desk-setup.js";
import type { DeskStore } from "./desk-store.js";
import { createTicket, getTicket, listTickets, searchTickets } from "./desk-tickets.js";
import type { TokenStore } from "./oauth-tokens.js";

interface DeskRoute {
  method: "GET" | "POST";
  /** Matched against the path after `/api/v1`. */
  pattern: RegExp;
  /** API credits the call costs (zoho-desk.md §9): 1 for a get or a create, 3 for a list or a search. */
  weight: number;
  /** Every group must be satisfied by one of its scopes. */
  scopes: string[][];
  /** Only `GET /organizations` works without an `orgId` header. */
  withoutOrg?: boolean;
  handle(ctx: DeskContext): SandboxResponse;
}

const ID = "(\\d+)";
const TICKETS_READ = ["Desk.tickets.READ"];
const TICKETS_UPDATE = ["Desk.tickets.UPDATE"];
const CONTACTS_READ = ["Desk.contacts.READ"];
const SEARCH = ["Desk.search.READ"];
const BASIC = ["Desk.basic.READ", "Desk.settings.READ"];

const ROUTES: DeskRoute[] = [
  { method: "GET", pattern: /^\/organizations$/, weight: 1, scopes: [[...BASIC, "Desk.organization.READ"]], withoutOrg: true, handle: listOrganizations },
  { method: "GET", pattern: new RegExp(`^/organizations/${ID}$`), weight: 1, scopes: [[...BASIC, "Desk.organization.READ"]], withoutOrg: true, handle: getOrganization },
  { method: "GET", pattern: /^\/departments$/, weight: 3, scopes: [BASIC], handle: listDepartments },
  { method: "GET", pattern: new RegExp(`^/departments/${ID}$`), weight: 1, scopes: [BASIC], handle: getDepartment },
  { method: "GET", pattern: /^\/agents$/, weight: 3, scopes: [BASIC], handle: listAgents },
  { method: "GET", pattern: /^\/agents\/email\/([^/]+)$/, weight: 1, scopes: [BASIC], handle: getAgentByEmail },
  { method: "GET", pattern: new RegExp(`^/agents/${ID}$`), weight: 1, scopes: [BASIC], handle: getAgent },
  { method: "GET", pattern: /^\/myinfo$/, weight: 1, scopes: [BASIC], handle: myInfo },
  { method: "POST", pattern: /^\/tickets$/, weight: 1, scopes: [["Desk.tickets.CREATE"]], handle: createTicket },
  { method: "GET", pattern: /^\/tickets$/, weight: 3, scopes: [TICKETS_READ], handle: listTickets },
  { method: "GET", pattern: /^\/tickets\/search$/, weight: 3, scopes: [TICKETS_READ, SEARCH], handle: searchTickets },
  { method: "GET", pattern: new RegExp(`^/tickets/${ID}$`), weight: 1, scopes: [TICKETS_READ], handle: getTicket },
  { method: "POST", pattern: new RegExp(`^/tickets/${ID}/comments$`), weight: 1, scopes: [TICKETS_UPDATE], handle: addComment },
  { method: "GET", pattern: new RegExp(`^/tickets/${ID}/comments$`), weight: 3, scopes: [TICKETS_READ], handle: listComments },
  { method: "GET", pattern: new RegExp(`^/tickets/${ID}/comments/${ID}$`), weight: 1, scopes: [TICKETS_READ], handle: getComment },
  { method: "POST", pattern: new RegExp(`^/tickets/${ID}/attachments$`), weight: 1, scopes: [TICKETS_UPDATE], handle: addAttachment },
  { method: "GET", pattern: new RegExp(`^/tickets/${ID}/attachments$`), weight: 3, scopes: [TICKETS_READ], handle: listAttachments },
  { method: "GET", pattern: new RegExp(`^/tickets/${ID}/attachments/${ID}/content$`), weight: 1, scopes: [TICKETS_READ], handle: attachmentContent },
  { method: "POST", pattern: /^\/contacts$/, weight: 1, scopes: [["Desk.contacts.CREATE"]], handle: createContact },
  { method: "GET", pattern: /^\/contacts$/, weight: 3, scopes: [CONTACTS_READ], handle: listContacts },
  { method: "GET", pattern: /^\/contacts\/search$/, weight: 3, scopes: [CONTACTS_READ, SEARCH], handle: searchContacts },
  { method: "GET", pattern: new RegExp(`^/contacts/${ID}$`), weight: 1, scopes: [CONTACTS_READ], handle: getContact },
];

/** `Desk.tickets.ALL` grants every `Desk.tickets.*` operation. */
function hasScope(granted: string[], needed: string): boolean {
  const module = needed.slice(0, needed.lastIndexOf("."));
  return granted.includes(needed) || granted.includes(`${module}.ALL`);
}

function header(request: SandboxRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface DeskServiceDeps {
  store: DeskStore;
  tokens: TokenStore;
  credits: CreditPool;
  settings: DeskSettings;
  /** Scripted answers (429s and the like) given after authentication, with Desk's headers. */
  scripted: FaultInjector;
  concurrencyLimit: () => number | null;
  inFlight: () => number;
}

/** Zoho Desk's `/api/v1` (zoho-desk.md §10, points 8–18). */
export function createDeskHandler(deps: DeskServiceDeps): (request: SandboxRequest) => SandboxResponse {
  const { store, tokens, credits } = deps;

  /** Every Desk answer is JSON in UTF-8 and tells the credits spent and left (zoho-desk.md §10.10). */
  function finish(response: SandboxResponse, weight: number): SandboxResponse {
    const own = Object.fromEntries(Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    return {
      ...response,
      headers: {
        "content-type": "application/json;charset=UTF-8",
        ...own,
        "x-rate-limit-request-weight-v3": String(weight),
        "x-rate-limit-remaining-v3": String(credits.remaining),
      },
    };
  }

  function answer(request: SandboxRequest): { response: SandboxResponse; weight: number } {
    const refuse = (response: SandboxResponse) => ({ response, weight: 0 });
    if (!request.path.startsWith("/api/v1/")) return refuse(urlNotFound());
    const path = request.path.slice("/api/v1".length).replace(/(.)\/+$/, "$1");

    const authorization = header(request, "authorization");
    if (!authorization) return refuse(unauthorized());
    const presented = /^Zoho-oauthtoken\s+(\S+)$/.exec(authorization)?.[1];
    const token = presented ? tokens.validAccessToken(presented) : null;
    if (!token) return refuse(invalidOAuth());

    const onPath = ROUTES.filter((r) => r.pattern.test(path));
    const route = onPath.find((r) => r.method === request.method);
    if (!route) return refuse(onPath.length > 0 ? methodNotAllowed() : urlNotFound());
    if (!route.scopes.every((group) => group.some((scope) => hasScope(token.scopes, scope)))) return refuse(scopeMismatch());

    if (!route.withoutOrg) {
      const orgId = header(request, "orgid");
      if (!orgId) return refuse(unprocessable("The orgId header is missing; send the organization id in it."));
      // Zoho answers a non-numeric orgId with a server error, not a validation error (zoho-desk.md §8).
      if (!/^\d+$/.test(orgId)) return refuse(internalError());
      if (orgId !== store.organization.id) return refuse(orgMismatch());
    }

    const limit = deps.concurrencyLimit();
    if (limit !== null && deps.inFlight() > limit) return refuse(tooManyRequests());
    const scripted = deps.scripted.take(request.method, request.path);
    if (scripted?.kind === "status") {
      const body = (scripted.body ?? { errorCode: "INTERNAL_SERVER_ERROR", message: "Scripted failure." }) as Record<string, unknown>;
      return refuse({ status: scripted.status, headers: scripted.headers, body });
    }
    if (!credits.spend(route.weight)) return refuse(thresholdExceeded(credits.secondsUntilRefill()));

    const match = route.pattern.exec(path);
    const params = (match?.slice(1) ?? []).map((p) => p ?? "");
    return { response: route.handle({ request, params, store, settings: deps.settings }), weight: route.weight };
  }

  return (request) => {
    const { response, weight } = answer(request);
    return finish(response, weight);
  };
}
