import { describe, expect, it } from "vitest";
import { fixedWaitMs, perCallKinds, type RequestCounts } from "./requests.js";

const LATENCY = { exotel: 100, recording: 100, deepgram: 400, openai: 200, zoho: 50 };
const COUNTS: RequestCounts = { listPages: 2, recordings: 120, deepgram: 120, openai: 120, desk: 600, accounts: 1, failed: 0 };

describe("requests per call", () => {
  it("divides what the sandbox saw by the calls, with each service's latency and cap", () => {
    expect(perCallKinds(COUNTS, 120, LATENCY, { deepgram: 5, desk: 5 })).toEqual([
      { name: "recording download", perCall: 1, latencyMs: 200 },
      { name: "Deepgram", perCall: 1, latencyMs: 400, maxParallel: 5 },
      { name: "OpenAI", perCall: 1, latencyMs: 200 },
      { name: "Zoho Desk", perCall: 5, latencyMs: 50, maxParallel: 5 },
    ]);
  });

  it("counts the listing pages and the token refresh once a run", () => {
    expect(fixedWaitMs(COUNTS, LATENCY)).toBe(2 * 100 + 50);
  });

  it("makes no requests per call of an empty backlog", () => {
    expect(perCallKinds(COUNTS, 0, LATENCY, { deepgram: 5, desk: 5 }).every((k) => k.perCall === 0)).toBe(true);
  });
});
