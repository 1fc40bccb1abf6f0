import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { StateStore } from "../state/store.js";
import type { CallRecord } from "../domain/call.js";
import type { Transcript } from "../domain/transcript.js";
import { FINISHED_CALL_DROPS, type CallState } from "../state/model.js";
import { makeHistory, snapshotText } from "./history.js";

export interface StateWriteResult {
  history: number;
  stateFileBytes: number;
  writes: number;
  meanMs: number;
  p95Ms: number;
  cpuMsPerWrite: number;
  /** One fold of the journal into the file (start-up, shutdown, and whenever the journal outgrows the file). */
  compactMs: number;
  /** The fold's share of each write: it happens once per file-size of journal. */
  amortizedCompactMs: number;
}

/** What one call's steps save, in order (sizes as a short call leaves them). */
function stepChanges(i: number, now: string): Array<Partial<CallState>> {
  const sid = `new${i}`;
  const call: CallRecord = {
    sid,
    from: "09800000000",
    to: "08047112233",
    exoPhone: "08047112233",
    exotelDirection: "inbound",
    status: "completed",
    startedAt: now,
    endedAt: now,
    durationSeconds: 120,
    conversationSeconds: 112,
    agentLegStatus: "completed",
    recordingUrl: `https://recordings.exotel.com/exotelrecordings/acme/${sid}.mp3`,
    updatedAt: now,
  };
  const transcript: Transcript = {
    turns: [
      { speaker: "Speaker 1", startSeconds: 0.5, text: "Thank you for calling support, how can I help?" },
      { speaker: "Speaker 2", startSeconds: 4, text: "Hi, I have a question about my account and the last bill I received." },
    ],
    durationSeconds: 120,
    languages: ["en"],
  };
  return [
    { status: "pending", step: "discovered", plan: "ticket", startedAt: now, call },
    { step: "recording", recording: { file: `recordings/${sid}.mp3`, bytes: 16_384 } },
    { step: "transcript", transcript },
    { step: "analysis", analysis: { concern: "Question about the last bill", mood: "Neutral", summary: "The caller asks about the last bill.", source: "openai" } },
    { intent: { kind: "contact", at: now } },
    { step: "contact", contactId: "1892000000100001", intent: null },
    { intent: { kind: "ticket", at: now } },
    { step: "ticket", ticket: { id: "1892000000100003", number: "101", webUrl: null }, intent: null },
    { intent: { kind: "comment", part: 1, at: now } },
    { step: "comments", commentIds: ["1892000000100005"], intent: null },
    { step: "done", status: "done", doneAt: now, lastError: null, reason: null },
  ];
}

interface OpenStore {
  history: number;
  dir: string;
  text: string;
  store: StateStore;
  times: number[];
  cpuMs: number;
  lineBytes: number;
}

async function openWithHistory(history: number): Promise<OpenStore> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), "zct-bench-state-"));
  const file = path.join(dir, "processed_calls.json");
  const text = snapshotText(makeHistory({ calls: history, recent: 0, now: new Date() }).snapshot);
  await fs.writeFile(file, text);
  const { store } = await StateStore.open(file, { retentionDays: 45, overlapMs: 4.25 * 3_600_000 });
  return { history, dir, text, store, times: [], cpuMs: 0, lineBytes: 0 };
}

async function saveCall(s: OpenStore, i: number, record: boolean): Promise<void> {
  const now = new Date().toISOString();
  for (const change of stepChanges(i, now)) {
    const sid = `new${i}`;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await s.store.update(sid, change, change.status === "done" ? FINISHED_CALL_DROPS : []);
    if (!record) continue;
    s.times.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    s.cpuMs += (used.user + used.system) / 1000;
    s.lineBytes += Buffer.byteLength(JSON.stringify({ sid, set: { ...change, updatedAt: now } })) + 1;
  }
}

/**
 * The cost of saving a step with each number of finished calls in the file: the program's own
 * store opened on such a file, saving the eleven steps of `calls` new calls one after another.
 * The stores take turns call by call, so a busy disk or machine weighs on all of them alike.
 */
export async function measureStateWrites(histories: readonly number[], calls: number, warmUpCalls = 10): Promise<StateWriteResult[]> {
  const stores: OpenStore[] = [];
  try {
    for (const history of histories) stores.push(await openWithHistory(history));
    // The first writes after opening pay for the start-up fold's disk traffic: not a step's cost.
    for (let i = 0; i < warmUpCalls + calls; i++) for (const s of stores) await saveCall(s, i, i >= warmUpCalls);
    const results: StateWriteResult[] = [];
    for (const s of stores) {
      const compactStarted = performance.now();
      await s.store.compact();
      const compactMs = performance.now() - compactStarted;
      const times = [...s.times].sort((a, b) => a - b);
      results.push({
        history: s.history,
        stateFileBytes: Buffer.byteLength(s.text),
        writes: times.length,
        meanMs: times.reduce((a, b) => a + b, 0) / times.length,
        p95Ms: times[Math.floor(times.length * 0.95)]!,
        cpuMsPerWrite: s.cpuMs / times.length,
        compactMs,
        amortizedCompactMs: (compactMs * (s.lineBytes / times.length)) / Math.max(s.text.length, 256 * 1024),
      });
    }
    return results;
  } finally {
    for (const s of stores) {
      await s.store.close().catch(() => undefined);
      await fs.rm(s.dir, { recursive: true, force: true });
    }
  }
}
