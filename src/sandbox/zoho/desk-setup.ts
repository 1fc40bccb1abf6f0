import type { SandboxResponse } from "../core/http-service.js";
import { urlNotFound } from "./desk-errors.js";
import { pageAnswer, readPaging, type DeskContext } from "./desk-request.js";

/** What a set-up check reads (zoho-desk.md §7): the organization, its departments and agents. */

/** `GET /organizations` needs no `orgId`: it is how a client finds it. */
export function listOrganizations(ctx: DeskContext): SandboxResponse {
  return { status: 200, body: { data: [ctx.store.organization] } };
}

export function getOrganization(ctx: DeskContext): SandboxResponse {
  return ctx.params[0] === ctx.store.organization.id ? { status: 200, body: ctx.store.organization } : urlNotFound();
}

export function listDepartments(ctx: DeskContext): SandboxResponse {
  const query = ctx.request.query;
  const paging = readPaging(query, { defaultLimit: 10, maxLimit: 200 });
  if (!paging.ok) return paging.response;
  const enabled = query.get("isEnabled");
  const search = query.get("searchStr")?.toLowerCase().replace(/\*$/, "");
  const departments = ctx.store.departments.filter(
    (d) => (enabled === null || String(d.isEnabled) === enabled) && (!search || d.name.toLowerCase().includes(search)),
  );
  return pageAnswer(departments, paging.value, { count: false });
}

export function getDepartment(ctx: DeskContext): SandboxResponse {
  const department = ctx.store.departments.find((d) => d.id === ctx.params[0]);
  return department ? { status: 200, body: department } : urlNotFound();
}

export function listAgents(ctx: DeskContext): SandboxResponse {
  const query = ctx.request.query;
  const paging = readPaging(query, { defaultLimit: 10, maxLimit: 200 });
  if (!paging.ok) return paging.response;
  const status = query.get("status");
  const search = query.get("searchStr")?.toLowerCase().replace(/\*$/, "");
  const field = query.get("fieldName");
  const departmentIds = query.get("departmentIds")?.split(",").filter(Boolean);
  const agents = ctx.store.agents.filter((a) => {
    if (status && a.status !== status) return false;
    if (departmentIds && !departmentIds.some((id) => a.associatedDepartmentIds.includes(id))) return false;
    if (!search) return true;
    const fields = field === "emailId" ? [a.emailId] : field === "name" ? [a.name] : [a.name, a.emailId];
    return fields.some((f) => f.toLowerCase().includes(search));
  });
  return pageAnswer(agents, paging.value, { count: false });
}

export function getAgent(ctx: DeskContext): SandboxResponse {
  const agent = ctx.store.agents.find((a) => a.id === ctx.params[0]);
  return agent ? { status: 200, body: agent } : urlNotFound();
}

/** `GET /agents/email/{email}`: the bare agent; an unknown address is 404. */
export function getAgentByEmail(ctx: DeskContext): SandboxResponse {
  const email = (ctx.params[0] ?? "").toLowerCase();
  const agent = ctx.store.agents.find((a) => a.emailId.toLowerCase() === email);
  return agent ? { status: 200, body: agent } : urlNotFound();
}

/** `GET /myinfo`: the agent the token belongs to. */
export function myInfo(ctx: DeskContext): SandboxResponse {
  return { status: 200, body: ctx.store.apiUser };
}
