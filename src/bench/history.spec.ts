import { describe, expect, it } from "vitest";
import { SnapshotSchema } from "../state/model.js";
import { makeHistory, snapshotText } from "./history.js";

describe("makeHistory", () => {
  const now = new Date("2026-03-01T12:00:00Z");

  it("writes a version-2 state the program reads, with every call finished", () => {
    const { snapshot } = makeHistory({ calls: 60, recent: 10, now });
    const parsed = SnapshotSchema.parse(JSON.parse(snapshotText(snapshot)));
    const entries = Object.values(parsed.calls);
    expect(entries).toHaveLength(60);
    expect(entries.every((c) => (c.status === "done" || c.status === "skipped") && c.step === "done")).toBe(true);
    expect(entries.filter((c) => c.status === "done").every((c) => c.ticket && c.contactId && c.commentIds?.length === 1)).toBe(true);
  });

  it("keeps every call inside the retention and the watermark a minute old", () => {
    const { snapshot } = makeHistory({ calls: 100, recent: 5, now });
    const oldest = Math.min(...Object.values(snapshot.calls).map((c) => Date.parse(c.startedAt!)));
    expect(now.getTime() - oldest).toBeLessThanOrEqual(40 * 86_400_000);
    expect(snapshot.watermark).toBe("2026-03-01T11:59:00.000Z");
  });

  it("puts the recent calls in the last hours, for Exotel to list again", () => {
    const { snapshot, recent } = makeHistory({ calls: 50, recent: 20, now });
    expect(recent).toHaveLength(20);
    for (const call of recent) {
      expect(snapshot.calls[call.sid]).toBeDefined();
      expect(now.getTime() - call.startedAt.getTime()).toBeLessThanOrEqual(3 * 3_600_000);
    }
  });
});
