import { makeCallSid } from "../sandbox/exotel/index.js";
import type { CallState, ContactMemo, StateSnapshot } from "../state/model.js";

const DAY_MS = 86_400_000;

export interface HistoryOptions {
  /** Finished calls the state file remembers. */
  calls: number;
  /** Of those, how many fall in the last few hours (Exotel lists them again every poll). */
  recent: number;
  now: Date;
}

export interface RecentCall {
  sid: string;
  customer: string;
  startedAt: Date;
}

export interface History {
  snapshot: StateSnapshot;
  /** The recent calls, to seed into the sandbox's Exotel so polls list them again. */
  recent: RecentCall[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A version-2 processed_calls.json as a long-running install has it: finished calls spread over
 * the last 40 days (inside the 45-day retention), each as the finish step leaves it — ticket,
 * contact and comment ids, no call record or transcript — one in six skipped, plus the contacts
 * remembered for them and a watermark a minute old.
 */
export function makeHistory(options: HistoryOptions): History {
  const now = options.now.getTime();
  const calls: Record<string, CallState> = {};
  const contacts: Record<string, ContactMemo> = {};
  const recent: RecentCall[] = [];
  const older = Math.max(0, options.calls - options.recent);
  const olderFrom = now - 40 * DAY_MS;
  const olderTo = now - 5 * 3_600_000;
  for (let i = 0; i < options.calls; i++) {
    const isRecent = i >= older;
    const startedAt = isRecent
      ? now - 3 * 3_600_000 + ((i - older) * 2 * 3_600_000) / Math.max(1, options.recent)
      : olderFrom + (i * (olderTo - olderFrom)) / Math.max(1, older);
    const sid = makeCallSid("history", i);
    const national = `97${String(i).padStart(8, "0")}`;
    const seen = startedAt + 6 * 60_000;
    const done = seen + 40_000;
    if (i % 6 === 5) {
      calls[sid] = { status: "skipped", step: "done", attempts: 0, startedAt: iso(startedAt), firstSeenAt: iso(seen), updatedAt: iso(seen), reason: "no agent detected", doneAt: iso(seen) };
    } else {
      const ticketId = String(1_892_000_009_000_000 + 3 * i);
      calls[sid] = {
        status: "done",
        step: "done",
        attempts: 0,
        startedAt: iso(startedAt),
        firstSeenAt: iso(seen),
        updatedAt: iso(done),
        lookupFirst: false,
        reason: null,
        contactId: String(1_892_000_009_000_001 + 3 * i),
        ticket: { id: ticketId, number: String(10_000 + i), webUrl: `https://desk.zoho.com/support/acme/ShowHomePage.do#Cases/dv/${ticketId}` },
        commentIds: [String(1_892_000_009_000_002 + 3 * i)],
        doneAt: iso(done),
        lastError: null,
      };
      contacts[`+91${national}`] = { id: String(1_892_000_009_000_001 + 3 * i), at: iso(done) };
    }
    if (isRecent) recent.push({ sid, customer: `0${national}`, startedAt: new Date(startedAt) });
  }
  const snapshot: StateSnapshot = { version: 2, generation: 1, watermark: iso(now - 60_000), updatedAt: iso(now - 60_000), calls, contacts };
  return { snapshot, recent };
}

/** The file as the program writes it. */
export function snapshotText(snapshot: StateSnapshot): string {
  return `${JSON.stringify(snapshot, null, 1)}\n`;
}
