import OpenAI, { APIConnectionError, APIError } from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import type { Config } from "../config/config.js";
import type { Analysis } from "../domain/analysis.js";
import type { CallAnalyser } from "../domain/ports.js";
import { hasSpeech, type Transcript } from "../domain/transcript.js";
import { InterruptedError, ServiceError } from "../lib/errors.js";
import { retryAfterMs } from "../lib/http.js";
import type { ServiceLimiter } from "../lib/limiter.js";
import { withRetries, type RetryListener, type RetryPolicy } from "../lib/retry.js";
import type { Logger } from "../log.js";
import { analyseByKeywords } from "./keywords.js";
import { SYSTEM_PROMPT, transcriptForPrompt } from "./prompt.js";
import { CallAnalysisOutput } from "./schema.js";

export { analyseByKeywords } from "./keywords.js";

export interface AnalysisDeps {
  limiter: ServiceLimiter;
  retry: RetryPolicy;
  logger: Logger;
  onRetry?: RetryListener;
}

/** OpenAI's failures as ours: a spent quota or a bad key will not mend itself by retrying. */
function toServiceError(error: unknown, callSid: string): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof APIError && typeof error.status === "number") {
    const code = error.code ?? error.type ?? null;
    const transient = (error.status === 429 && code !== "insufficient_quota") || error.status >= 500 || error.status === 408 || error.status === 409;
    return new ServiceError(`openai: analyse failed: HTTP ${error.status}${code ? ` ${code}` : ""}`, {
      service: "openai",
      operation: "analyse",
      status: error.status,
      code,
      transient,
      // OpenAI says how long to wait (`retry-after-ms`, `retry-after`); the SDK's own retries, which read it, are off.
      retryAfterMs: retryAfterMs(error.headers ? Object.fromEntries(error.headers.entries()) : undefined),
      callSid,
    });
  }
  if (error instanceof APIConnectionError) {
    return new ServiceError(`openai: analyse failed: ${error.message}`, { service: "openai", operation: "analyse", status: null, transient: true, callSid });
  }
  // Refusals, `length`, content that breaks the schema: asking again gives the same answer.
  const message = error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);
  return new ServiceError(`openai: analyse gave no usable answer (${message})`, { service: "openai", operation: "analyse", status: 200, transient: false, callSid });
}

/**
 * Reasoning models (gpt-5 family, o-series) refuse a temperature other than 1 and spend part of
 * the token budget thinking; the others answer best at temperature 0 with a small budget.
 */
export function samplingFor(model: string): { temperature?: number; max_completion_tokens: number } {
  return /^(gpt-5|o\d)/i.test(model) ? { max_completion_tokens: 4000 } : { temperature: 0, max_completion_tokens: 600 };
}

/** The analysis adapter: OpenAI structured output when a key is set, the keyword analysis otherwise or on any failure. */
export function createCallAnalyser(config: Config["openai"], deps: AnalysisDeps): CallAnalyser {
  const client = config.apiKey ? new OpenAI({ apiKey: config.apiKey, baseURL: config.baseUrl, timeout: 60_000, maxRetries: 0 }) : null;
  const responseFormat = zodResponseFormat(CallAnalysisOutput, "call_analysis");

  async function askModel(openai: OpenAI, transcript: Transcript, callSid: string): Promise<Analysis> {
    const completion = await withRetries(
      () =>
        deps.limiter.run(async () => {
          try {
            return await openai.chat.completions.parse({
              model: config.model,
              ...samplingFor(config.model),
              messages: [
                { role: "system", content: SYSTEM_PROMPT },
                { role: "user", content: `Call transcript:\n${transcriptForPrompt(transcript)}` },
              ],
              response_format: responseFormat,
            });
          } catch (error) {
            throw toServiceError(error, callSid);
          }
        }),
      { policy: deps.retry, idempotent: true, limiter: deps.limiter, onRetry: deps.onRetry },
    );
    const message = completion.choices[0]?.message;
    if (!message?.parsed) {
      throw new ServiceError(`openai: analyse gave no usable answer (${message?.refusal ? "refused" : "empty"})`, {
        service: "openai",
        operation: "analyse",
        status: 200,
        transient: false,
        callSid,
      });
    }
    const { concern, mood, summary } = message.parsed;
    return { concern: concern.trim() || "General enquiry", mood, summary: summary.trim() || null, source: "openai" };
  }

  return {
    async analyse(transcript: Transcript, callSid: string): Promise<Analysis> {
      if (!client || !hasSpeech(transcript)) return analyseByKeywords(transcript);
      try {
        return await askModel(client, transcript, callSid);
      } catch (error) {
        // A stop is not OpenAI failing: the call is analysed properly at the next start.
        if (error instanceof InterruptedError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        deps.logger.warn({ sid: callSid }, `OpenAI analysis failed for call ${callSid} (${reason}); using keyword analysis`);
        return analyseByKeywords(transcript);
      }
    },
  };
}
