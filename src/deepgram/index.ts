import { DeepgramClient, DeepgramError } from "@deepgram/sdk";
import type { Config } from "../config/config.js";
import type { Transcriber } from "../domain/ports.js";
import type { Transcript } from "../domain/transcript.js";
import { DeferredError, ServiceError } from "../lib/errors.js";
import { retryAfterMs, statusError } from "../lib/http.js";
import type { ServiceLimiter } from "../lib/limiter.js";
import { withRetries, type RetryListener, type RetryPolicy } from "../lib/retry.js";
import type { Logger } from "../log.js";
import { readAudioFormat } from "./audio-format.js";
import { DeepgramErrorBody, ListenResponse } from "./schema.js";
import { toTranscript } from "./transcript.js";
import { RecordingUpload, uploadFetch } from "./upload-fetch.js";

export interface DeepgramDeps {
  limiter: ServiceLimiter;
  retry: RetryPolicy;
  logger: Logger;
  onRetry?: RetryListener;
}

/** Answers that mean the account, not the recording, is the problem: calls wait instead of failing. */
const ACCOUNT_PROBLEMS: Record<number, string> = {
  401: "Deepgram rejected DEEPGRAM_API_KEY (HTTP 401). Create a key in the Deepgram console, put it in .env and restart.",
  402: "Deepgram says the account is out of credit (HTTP 402). Add credit in the Deepgram console; calls wait meanwhile.",
  403: "Deepgram refused the request (HTTP 403): the key may not use DEEPGRAM_MODEL. Check the key's permissions or the model.",
};

function toServiceError(error: unknown, callSid: string): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof DeepgramError && error.statusCode !== undefined) {
    const body = DeepgramErrorBody.safeParse(error.body);
    const detail = body.success ? { code: body.data.err_code ?? body.data.category ?? null, message: body.data.err_msg ?? body.data.message ?? null } : {};
    const headers = (error.rawResponse?.headers ?? null) as { get?(name: string): string | null } | null;
    // No header means "not said" (null), not "wait 0 s": otherwise retries skip their backoff.
    const retryAfter = headers?.get?.("retry-after") ?? undefined;
    return statusError("deepgram", "transcribe", error.statusCode, { ...detail, retryAfterMs: retryAfterMs({ "retry-after": retryAfter }), callSid });
  }
  // No status: refused, dropped or timed out. Transcribing twice costs money, not correctness.
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return new ServiceError(`deepgram: transcribe failed: ${message}`, { service: "deepgram", operation: "transcribe", status: null, transient: true, callSid });
}

/** The Deepgram adapter: a recording file in, speaker turns out. */
export function createDeepgramTranscriber(config: Config["deepgram"], deps: DeepgramDeps): Transcriber {
  const client = new DeepgramClient({ apiKey: config.apiKey, baseUrl: config.baseUrl, fetch: uploadFetch() });
  let lastAccountProblem = "";
  return {
    async transcribe(recordingFile: string, callSid: string): Promise<Transcript> {
      const format = await readAudioFormat(recordingFile);
      const multichannel = format.channels === 2;
      const options = {
        model: config.model,
        language: config.language,
        smart_format: true,
        punctuate: true,
        utterances: true,
        ...(multichannel ? { multichannel: true } : { diarize: true }),
      };
      const data = await withRetries(
        () =>
          deps.limiter.run(async () => {
            try {
              // Our retries, not the SDK's: each try sends the file from its start.
              const audio = new RecordingUpload(recordingFile, format.bytes);
              return await client.listen.v1.media.transcribeFile({ data: audio, contentType: format.contentType, contentLength: format.bytes }, options, {
                timeoutInSeconds: 600,
                maxRetries: 0,
              });
            } catch (error) {
              throw toServiceError(error, callSid);
            }
          }),
        { policy: deps.retry, idempotent: true, limiter: deps.limiter, onRetry: deps.onRetry },
      ).catch((error: unknown) => {
        const problem = error instanceof ServiceError && error.status !== null ? ACCOUNT_PROBLEMS[error.status] : undefined;
        if (!problem) throw error;
        if (problem !== lastAccountProblem) deps.logger.error(problem);
        lastAccountProblem = problem;
        throw new DeferredError(problem, "blocked");
      });
      lastAccountProblem = "";
      const parsed = ListenResponse.safeParse(data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ServiceError(`deepgram: transcribe answered an unexpected shape (${issue?.path.join(".") || "body"}: ${issue?.message})`, {
          service: "deepgram",
          operation: "transcribe",
          status: 200,
          transient: true,
          callSid,
        });
      }
      return toTranscript(parsed.data, multichannel);
    },
  };
}
