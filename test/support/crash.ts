import { promises as fs } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import type { SandboxRequest } from "../../src/sandbox/core/http-service.js";
import type { TranscriptScript } from "../../src/sandbox/deepgram/index.js";
import type { EmulatedService, Sandbox, SandboxCall } from "../../src/sandbox/index.js";
import type { SampleCall } from "../../src/sandbox/samples/manifest.js";
import type { RunResult, RunningDaemon, Workspace } from "./workspace.js";

/** Desk routes the daemon writes to, as the sandbox sees them (full path, no query). */
export const DESK = {
  contacts: "/api/v1/contacts",
  contactSearch: "/api/v1/contacts/search",
  tickets: "/api/v1/tickets",
  comments: /^\/api\/v1\/tickets\/[^/]+\/comments$/,
} as const;

/** What a call must have produced in the desk once the daemon is done with it. */
export interface ExpectedCall {
  sid: string;
  /** E.164, as the contact's phone and the ticket's phone read. */
  customer: string;
  /** "one" comment labelled "Call transcript", or "several" numbered parts. */
  note: "one" | "several";
  /** Text each of which must appear in the note (in one of its parts). */
  says: string[];
}

/** Exotel's national form (`09876543210`) as the daemon writes it (`+919876543210`). */
export function e164(national: string): string {
  return `+91${national.replace(/^0/, "")}`;
}

/** A small, seedable PRNG (mulberry32): the same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A conversation whose lines are unique to `tag`; `minChars` of speech makes it long enough to need several comments. */
export function conversation(tag: string, minChars = 0): { script: TranscriptScript; lines: string[] } {
  const lines: string[] = [];
  const utterances: Exclude<TranscriptScript, "silence">["utterances"] = [];
  let at = 0.5;
  let chars = 0;
  for (let i = 1; i <= 2 || chars < minChars; i++) {
    const text =
      i % 2 === 1
        ? `Agent line ${i} for ${tag}: thank you for holding, I am checking the order history and the delivery notes on your account right now.`
        : `Customer line ${i} for ${tag}: the parcel was marked delivered on Tuesday but nothing reached the building, and the guard saw no courier either.`;
    const seconds = text.split(" ").length * 0.3;
    utterances.push({ speaker: (i - 1) % 2, channel: 0, start: at, end: at + seconds, text });
    lines.push(text);
    chars += text.length;
    at += seconds + 0.5;
  }
  return { script: { durationSeconds: Math.ceil(at + 1), utterances }, lines };
}

/** Seeds a synthetic call with its own conversation and returns what it must become. */
export function seedConversation(sandbox: Sandbox, call: Omit<SandboxCall, "transcript" | "recording"> & { tag: string; minChars?: number }): ExpectedCall {
  const { script, lines } = conversation(call.tag, call.minChars);
  const { sid } = sandbox.seedCall({ ...call, transcript: script, recording: { syntheticBytes: 32 * 1024 } });
  return { sid, customer: e164(call.customer), note: (call.minChars ?? 0) > 32_000 ? "several" : "one", says: [lines[0]!, lines.at(-1)!] };
}

/** Seeds one of the shipped sample calls. */
export function seedSample(sandbox: Sandbox, sample: SampleCall, startedAt?: Date): ExpectedCall {
  const { sid } = sandbox.seedCall({ direction: sample.direction, customer: sample.customerNumber, agent: sample.agentNumber, startedAt, recording: { sample } });
  const says = sample.utterances.length > 0 ? sample.utterances.map((u) => u.text) : ["No speech was detected"];
  return { sid, customer: e164(sample.customerNumber), note: "one", says };
}

/** Resolves when `service` holds a request under a `stall` or `commit-then-stall` fault; fails if the daemon ends first. */
export function stalled(service: EmulatedService, daemon: RunningDaemon, timeoutMs = 30_000): Promise<SandboxRequest> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${service.name}: no request was stalled within ${timeoutMs} ms\n${daemon.output()}`)), timeoutMs);
    const onStall = (request: SandboxRequest) => finish(null, request);
    function finish(error: Error | null, request?: SandboxRequest) {
      clearTimeout(timer);
      service.off("stalled", onStall);
      if (error) reject(error);
      else resolve(request!);
    }
    service.on("stalled", onStall);
    void daemon.exited.then((r) => finish(new Error(`the daemon exited (code ${r.code}) before ${service.name} stalled a request\n${r.stdout}${r.stderr}`)));
  });
}

/** SIGKILLs the daemon and checks it really died by the signal (not by finishing first). */
export async function killNow(daemon: RunningDaemon): Promise<RunResult> {
  const result = await daemon.kill("SIGKILL");
  expect(result.signal, `the daemon had already exited (code ${result.code})\n${result.stdout}${result.stderr}`).toBe("SIGKILL");
  return result;
}

interface StepLine {
  sid?: string;
  set?: { step?: string };
}

/** The steps saved for `sid` in the state journal so far, oldest first. */
export async function journalSteps(workspace: Workspace, sid: string): Promise<string[]> {
  const text = await fs.readFile(`${workspace.stateFile}.journal`, "utf8").catch(() => "");
  const steps: string[] = [];
  for (const raw of text.split("\n").slice(0, -1)) {
    let line: StepLine;
    try {
      line = JSON.parse(raw) as StepLine;
    } catch {
      continue;
    }
    if (line.sid === sid && line.set?.step) steps.push(line.set.step);
  }
  return steps;
}

/** Resolves as soon as the journal shows `step` saved for `sid`; fails if the daemon ends first. */
export async function journalShows(workspace: Workspace, daemon: RunningDaemon, sid: string, step: string, timeoutMs = 30_000): Promise<void> {
  let exited: RunResult | null = null;
  void daemon.exited.then((r) => (exited = r));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await journalSteps(workspace, sid)).includes(step)) return;
    if (exited) throw new Error(`the daemon exited before saving step ${step} of ${sid}\n${daemon.output()}`);
    if (Date.now() > deadline) throw new Error(`step ${step} of ${sid} was not saved within ${timeoutMs} ms\n${daemon.output()}`);
    await sleep(1);
  }
}

interface StateEntry {
  status?: string;
  step?: string;
  ticket?: { id: string; number: string } | null;
  commentIds?: string[];
  contactId?: string | null;
}

async function readCalls(workspace: Workspace): Promise<Record<string, StateEntry>> {
  return (await workspace.readState()).calls as Record<string, StateEntry>;
}

/**
 * Runs `--once` until a run exits 0 with none of `sids` still pending (a call may wait for a
 * search index to catch up, which takes a few runs). Returns every run's result.
 */
export async function runUntilSettled(workspace: Workspace, sids: string[], options: { maxRuns?: number; pauseMs?: number } = {}): Promise<RunResult[]> {
  const runs: RunResult[] = [];
  const maxRuns = options.maxRuns ?? 4;
  for (let i = 0; i < maxRuns; i++) {
    const run = await workspace.run(["--once"]);
    runs.push(run);
    const calls = await readCalls(workspace).catch(() => ({}) as Record<string, StateEntry>);
    if (run.code === 0 && sids.every((sid) => calls[sid] && calls[sid].status !== "pending")) return runs;
    if (options.pauseMs) await sleep(options.pauseMs);
  }
  const last = runs.at(-1)!;
  throw new Error(`calls still unfinished after ${maxRuns} runs (last exit ${last.code})\n${last.stdout}${last.stderr}`);
}

/** The comment's label line: "Call transcript" or "Call transcript (part i of n)". */
function labelOf(content: string): string {
  return content.split("\n", 1)[0] ?? "";
}

/**
 * The invariant: each call has exactly one ticket mentioning `Call ID: <sid>`, carrying exactly
 * one transcript note (one set of numbered parts, each once and in order), linked to the one
 * contact of the caller's number; the state file says done with that ticket and those comments;
 * the desk holds nothing else; the recording is gone.
 */
export async function expectExactlyOnce(sandbox: Sandbox, workspace: Workspace, calls: ExpectedCall[]): Promise<void> {
  const state = await readCalls(workspace);
  for (const call of calls) {
    const tickets = sandbox.zoho.ticketsMentioning(`Call ID: ${call.sid}`);
    expect(tickets.map((t) => t.id), `tickets for ${call.sid}`).toHaveLength(1);
    const ticket = tickets[0]!;

    const comments = sandbox.zoho.comments(ticket.id);
    const labels = comments.map((c) => labelOf(c.content));
    if (call.note === "one") {
      expect(labels, `comments on the ticket of ${call.sid}`).toEqual(["Call transcript"]);
    } else {
      const total = comments.length;
      expect(total, `transcript parts of ${call.sid}`).toBeGreaterThanOrEqual(2);
      expect(labels, `comments on the ticket of ${call.sid}`).toEqual(Array.from({ length: total }, (_, i) => `Call transcript (part ${i + 1} of ${total})`));
    }
    for (const comment of comments) {
      expect(comment.content).toContain(`Call ID: ${call.sid}`);
      expect(comment).toMatchObject({ isPublic: false, contentType: "plainText" });
    }
    const note = comments.map((c) => c.content).join("\n");
    for (const text of call.says) expect(note, `the note of ${call.sid}`).toContain(text);

    const contacts = sandbox.zoho.contacts().filter((c) => c.phone === call.customer);
    expect(contacts.map((c) => c.id), `contacts with phone ${call.customer}`).toHaveLength(1);
    expect(ticket.contactId).toBe(contacts[0]!.id);

    expect(state[call.sid], `state of ${call.sid}`).toMatchObject({ status: "done", step: "done", ticket: { id: ticket.id, number: ticket.ticketNumber } });
    expect(state[call.sid]!.commentIds).toEqual(comments.map((c) => c.id));
  }
  expect(sandbox.zoho.tickets().length, "tickets in the desk").toBe(calls.length);
  expect(sandbox.zoho.contacts().length, "contacts in the desk").toBe(new Set(calls.map((c) => c.customer)).size);
  const left = await fs.readdir(workspace.recordingsDir).catch(() => [] as string[]);
  expect(left.map((f) => path.join("recordings", f)), "files left in recordings/").toEqual([]);
}
