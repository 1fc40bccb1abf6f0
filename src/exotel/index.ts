import { promises as fs } from "node:fs";
import type { Config } from "../config/config.js";
import type { CallRecord, TimeWindow } from "../domain/call.js";
import type { CallPage, CallSource } from "../domain/ports.js";
import { ServiceError } from "../lib/errors.js";
import { formatIst } from "../lib/ist-time.js";
import { toCallRecord } from "./call-record.js";
import { ExotelClient, type ExotelClientDeps } from "./client.js";

/** Exotel's page size limit (api/exotel.md §2). */
const PAGE_SIZE = 100;

export function callListPath(accountSid: string, window: TimeWindow): string {
  const query = new URLSearchParams({
    DateCreated: `gte:${formatIst(window.from)};lte:${formatIst(window.to)}`,
    SortBy: "DateCreated:asc",
    PageSize: String(PAGE_SIZE),
    details: "true",
  });
  return `/v1/Accounts/${encodeURIComponent(accountSid)}/Calls.json?${query.toString()}`;
}

/** The Exotel adapter: finished calls page by page, and recordings streamed to disk. */
export function createExotelSource(config: Config["exotel"], deps: ExotelClientDeps): CallSource {
  const client = new ExotelClient(config, deps);
  return {
    async *listFinishedCalls(window: TimeWindow): AsyncIterable<CallPage> {
      let next: string | null = callListPath(config.accountSid, window);
      const seen = new Set<string>();
      for (let page = 1; next; page++) {
        const body = await client.getCallPage(next);
        const result: CallPage = { calls: [], unreadable: [], page, total: body.Metadata?.Total ?? null };
        for (const row of body.Calls ?? []) {
          const read = toCallRecord(row);
          if ("call" in read) result.calls.push(read.call);
          else result.unreadable.push(read);
        }
        yield result;
        const uri: string | null = body.Metadata?.NextPageUri ?? null;
        // A server that hands back a page it already gave would otherwise loop for ever.
        if (uri && seen.has(uri)) throw new ServiceError("exotel: call list paging repeated a page", { service: "exotel", operation: "list calls", status: 200, transient: true });
        if (uri) seen.add(uri);
        next = uri;
      }
    },

    async downloadRecording(call: CallRecord, destination: string): Promise<{ bytes: number }> {
      if (!call.recordingUrl) throw new Error(`call ${call.sid} has no recording URL`);
      const partial = `${destination}.part`;
      try {
        const bytes = await client.download(call.recordingUrl, partial, call.sid);
        await fs.rename(partial, destination);
        return { bytes };
      } catch (error) {
        await fs.rm(partial, { force: true });
        throw error;
      }
    },
  };
}
