import { expect } from "vitest";
import { promises as fs } from "node:fs";
import path from "node:path";
import type { EmulatedService, Sandbox, SandboxCall, SeededCall } from "../../src/sandbox/index.js";
import type { SandboxRequest } from "../../src/sandbox/core/http-service.js";
import { SAMPLE_AGENTS } from "../../src/sandbox/samples/manifest.js";
import type { Workspace } from "./workspace.js";

/** The agent every fault scenario's calls are answered by (one of the sample agents). */
export const AGENT = SAMPLE_AGENTS[0]!.number;

let customerSequence = 0;

/** A customer number no other call of the test run uses, so each call gets its own contact. */
export function newCustomer(): string {
  customerSequence += 1;
  return `0987${String(customerSequence).padStart(7, "0")}`;
}

/** An answered inbound call with a synthetic recording, ten minutes ago unless told otherwise. */
export function seedAnsweredCall(sandbox: Sandbox, call: Partial<SandboxCall> = {}): SeededCall {
  return sandbox.seedCall({ customer: newCustomer(), agent: AGENT, ...call });
}

export function requestsMatching(service: EmulatedService, method: string, pathPattern: RegExp | string): SandboxRequest[] {
  return service.requests.filter((r) => r.method === method && (typeof pathPattern === "string" ? r.path === pathPattern : pathPattern.test(r.path)));
}

export const CALL_LIST = /^\/v1\/Accounts\/[^/]+\/Calls\.json$/;
export const RECORDING = /^\/exotelrecordings\//;
export const LISTEN = /^\/v1\/listen$/;
export const CHAT = /^\/v1\/chat\/completions$/;

export function callListRequests(sandbox: Sandbox): SandboxRequest[] {
  return requestsMatching(sandbox.exotel.service, "GET", CALL_LIST);
}

export function tokenRequests(sandbox: Sandbox): SandboxRequest[] {
  return requestsMatching(sandbox.zoho.accounts, "POST", "/oauth/v2/token");
}

export function ticketPosts(sandbox: Sandbox): SandboxRequest[] {
  return requestsMatching(sandbox.zoho.desk, "POST", "/api/v1/tickets");
}

export function deskWrites(sandbox: Sandbox): SandboxRequest[] {
  return sandbox.zoho.desk.requests.filter((r) => r.method !== "GET");
}

/** Requests to every emulated service, for "nothing was called" assertions. */
export function allRequests(sandbox: Sandbox): SandboxRequest[] {
  return sandbox.services().flatMap((s) => s.requests);
}

/** Milliseconds between two recorded requests' arrival. */
export function gapMs(first: SandboxRequest, second: SandboxRequest): number {
  return second.receivedAt - first.receivedAt;
}

/** Every file under `dir` (recursively) with its bytes, keyed by its path relative to `dir`. */
export async function snapshotFiles(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  async function walk(current: string): Promise<void> {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else files.set(path.relative(dir, full), await fs.readFile(full));
    }
  }
  await walk(dir);
  return files;
}

/** The lines of the workspace's log at a level (`ERROR`, `WARN`, …). */
export async function logLines(workspace: Workspace, level: string): Promise<string[]> {
  return (await workspace.readLog()).split("\n").filter((line) => line.includes(`] ${level}: `));
}

/** The call is done in the state file and has exactly one ticket, with its transcript note, in the desk. */
export async function expectTicketedOnce(sandbox: Sandbox, workspace: Workspace, sid: string): Promise<void> {
  const state = await workspace.readState();
  expect(state.calls[sid], `state of ${sid}`).toMatchObject({ status: "done", step: "done" });
  const tickets = sandbox.zoho.ticketsMentioning(`Call ID: ${sid}`);
  expect(tickets, `tickets for ${sid}`).toHaveLength(1);
  const ticket = tickets[0]!;
  expect((state.calls[sid]!["ticket"] as { id: string }).id).toBe(ticket.id);
  const comments = sandbox.zoho.comments(ticket.id);
  expect(comments, `comments on the ticket of ${sid}`).toHaveLength(1);
  expect(comments[0]!.content).toContain(`Call ID: ${sid}`);
}

/**
 * A call's status as the running program last saved it: the state file, then the changes its
 * journal holds since (a line still being written is ignored).
 */
export async function savedStatus(workspace: Workspace, sid: string): Promise<string | null> {
  let status: string | null = null;
  try {
    const state = JSON.parse(await fs.readFile(workspace.stateFile, "utf8")) as { calls?: Record<string, { status?: string }> };
    status = state.calls?.[sid]?.status ?? null;
  } catch {
    // Not written yet.
  }
  const journal = await fs.readFile(`${workspace.stateFile}.journal`, "utf8").catch(() => "");
  for (const line of journal.split("\n")) {
    try {
      const change = JSON.parse(line) as { sid?: string; set?: { status?: string } };
      if (change.sid === sid && change.set?.status) status = change.set.status;
    } catch {
      // A torn or empty line.
    }
  }
  return status;
}
