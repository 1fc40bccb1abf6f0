import { setMaxListeners } from "node:events";
import { promises as fs } from "node:fs";
import type { AgentDirectory } from "./config/agents.js";
import type { Config } from "./config/config.js";
import { writeEnvVariable } from "./config/env-file.js";
import { loadConfig } from "./config/load.js";
import { KeyedMutex } from "./lib/keyed-mutex.js";
import { serviceLabel, type ServiceName } from "./lib/errors.js";
import { ServiceLimiter, type LimiterOptions } from "./lib/limiter.js";
import { defaultRetryPolicy } from "./lib/retry.js";
import { createLogger, type LogHandle } from "./log.js";
import type { PipelineContext } from "./pipeline/context.js";
import { overlapMs } from "./pipeline/windows.js";
import { acquireStateLock, type StateLock } from "./state/lock.js";
import { StateStore } from "./state/store.js";

/**
 * processed_calls.json is kept current while running: within about two seconds of a step (a file
 * over 1 MB less often), at no more than 1 % of the time (see StoreOptions.foldShare and foldDelayMs).
 */
const STATE_FOLD_SHARE = 0.01;
const STATE_FOLD_DELAY_MS = 2_000;

/**
 * The adapters pull in the service SDKs (a second of start-up together), so they load only once
 * the settings, the lock and the state are known to be good: a mistake there is reported at once.
 */
async function loadAdapters() {
  const [analysis, deepgram, exotel, zoho] = await Promise.all([
    import("./analysis/index.js"),
    import("./deepgram/index.js"),
    import("./exotel/index.js"),
    import("./zoho/index.js"),
  ]);
  return {
    createCallAnalyser: analysis.createCallAnalyser,
    createDeepgramTranscriber: deepgram.createDeepgramTranscriber,
    createExotelSource: exotel.createExotelSource,
    createZohoHelpDesk: zoho.createZohoHelpDesk,
  };
}

export interface App {
  config: Config;
  ctx: PipelineContext;
  log: LogHandle;
  /** Abort to stop: the step in hand finishes, nothing new starts. */
  stop: AbortController;
  close(): Promise<void>;
  /** For a hurried exit: gives the lock back without waiting for anything. */
  releaseLockNow(): void;
}

export interface OpenOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  console?: { write(text: string): void; isTTY?: boolean } | null;
}

export async function loadSettings(options: OpenOptions): Promise<{ config: Config; agents: AgentDirectory }> {
  return loadConfig(options.cwd, options.env);
}

/** The composition root: configuration, log, lock, state and one adapter per service, wired into the pipeline. */
export async function openApp(options: OpenOptions): Promise<App> {
  const { config, agents } = await loadSettings(options);
  const log = createLogger({ level: config.logLevel, file: config.files.logFile, secrets: config.secrets, console: options.console });
  const logger = log.logger;
  for (const warning of config.warnings) logger.warn(warning);

  let lock: StateLock;
  try {
    lock = await acquireStateLock(config.files.stateFile);
  } catch (error) {
    log.close();
    throw error;
  }
  if (lock.tookOverFrom !== null) logger.warn(`Took over the lock of an earlier run (pid ${lock.tookOverFrom}) that is no longer running`);
  let store: StateStore;
  try {
    const opened = await StateStore.open(config.files.stateFile, {
      retentionDays: config.pipeline.stateRetentionDays,
      overlapMs: overlapMs(config.pipeline.recordingWaitMinutes),
      foldShare: STATE_FOLD_SHARE,
      foldDelayMs: STATE_FOLD_DELAY_MS,
    });
    store = opened.store;
    if (opened.migratedFrom) logger.info(`Migrated ${config.files.stateFile} from the old list of call SIDs (${store.size} calls, kept as done); the original is saved as ${config.files.stateFile}.v1-backup`);
    if (opened.replayed > 0) logger.info(`Resumed from the state journal (${opened.replayed} steps since the last save)`);
  } catch (error) {
    await lock.release();
    log.close();
    throw error;
  }

  const { createCallAnalyser, createDeepgramTranscriber, createExotelSource, createZohoHelpDesk } = await loadAdapters();
  // A stop ends every wait (for a retry, a budget, a slot) at once; requests already sent finish.
  const stop = new AbortController();
  // Every request waiting listens for the stop: with many calls in flight that is more than Node's default of ten.
  setMaxListeners(0, stop.signal);
  const retry = { ...defaultRetryPolicy(config.pipeline.retryBaseMs), stopping: stop.signal };
  const onRetry = (service: string) => (error: Error, delayMs: number) => logger.warn(`${service}: ${error.message}; retrying in ${Math.round(delayMs / 100) / 10} s`);
  const limiter = (service: ServiceName, options: LimiterOptions) =>
    new ServiceLimiter({
      ...options,
      service,
      maxPauseWaitMs: retry.maxRetryAfterMs,
      onLongPause: (until) =>
        logger.warn(`${serviceLabel(service)} asked us to slow down (HTTP 429): no requests to it until ${until.toISOString()}; the calls that need it wait, none are lost`),
      stopping: stop.signal,
    });
  const desk = config.zoho
    ? createZohoHelpDesk(config.zoho, {
        limiter: limiter("zoho-desk", { maxParallel: config.zoho.maxParallel }),
        retry,
        logger,
        onRetry: onRetry("Zoho Desk"),
        learnSecret: (token) => log.addSecret(token),
        persist: async (token) => {
          const exists = await fs.access(config.files.envFile).then(() => true, () => false);
          if (exists) await writeEnvVariable(config.files.envFile, "ZOHO_DESK_ACCESS_TOKEN", token);
        },
      })
    : null;

  const ctx: PipelineContext = {
    config,
    agents,
    store,
    calls: createExotelSource(config.exotel, {
      limiter: limiter("exotel", { perMinute: config.exotel.maxRequestsPerMinute }),
      downloadLimiter: limiter("exotel", { maxParallel: Math.max(4, config.pipeline.maxConcurrentCalls) }),
      retry,
      onRetry: onRetry("Exotel"),
    }),
    transcriber: createDeepgramTranscriber(config.deepgram, {
      limiter: limiter("deepgram", { maxParallel: config.deepgram.maxParallel }),
      retry,
      logger,
      onRetry: onRetry("Deepgram"),
    }),
    analyser: createCallAnalyser(config.openai, {
      limiter: limiter("openai", { maxParallel: config.pipeline.maxConcurrentCalls }),
      retry,
      logger,
      onRetry: onRetry("OpenAI"),
    }),
    desk,
    logger,
    now: () => new Date(),
    contactLocks: new KeyedMutex(),
    stopping: stop.signal,
  };

  let closed = false;
  return {
    config,
    ctx,
    log,
    stop,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await store.close();
      } finally {
        await lock.release();
        log.close();
      }
    },
    releaseLockNow() {
      lock.releaseSync();
    },
  };
}
