import type { PipelineContext } from "../context.js";

/**
 * Zoho's search is a separate index that may lag a write by a little. A write recorded this
 * recently may exist without showing in search yet, so it is not repeated until this has passed.
 */
export function intentIsRecent(at: string, ctx: PipelineContext): boolean {
  const settleMs = (ctx.config.zoho?.searchSettleSeconds ?? 0) * 1000;
  return ctx.now().getTime() - Date.parse(at) < settleMs;
}
