import { setTimeout as sleep } from "node:timers/promises";
import { InterruptedError } from "../../lib/errors.js";
import type { PipelineContext } from "../context.js";

/**
 * Zoho's search is a separate index that may lag a write by a little. A create recorded at `at`
 * whose answer never came may exist without showing in search yet; before it is sent again, this
 * waits until the write has had ZOHO_SEARCH_SETTLE_SECONDS to show, so the caller can look once
 * more. Waiting in place (rather than leaving the call for a later poll) means a restart with
 * `--once` still finishes the call.
 */
export async function letSearchCatchUp(at: string, what: string, sid: string, ctx: PipelineContext): Promise<boolean> {
  const settleMs = (ctx.config.zoho?.searchSettleSeconds ?? 0) * 1000;
  const remainingMs = Date.parse(at) + settleMs - ctx.now().getTime();
  if (remainingMs <= 0) return false;
  ctx.logger.info({ sid }, `Zoho's search does not show ${what} yet, which a request before a restart may have created; looking again in ${Math.ceil(remainingMs / 1000)} s`);
  await sleep(remainingMs, undefined, { signal: ctx.stopping }).catch(() => {
    throw new InterruptedError(`for Zoho's search to show ${what}`);
  });
  return true;
}
