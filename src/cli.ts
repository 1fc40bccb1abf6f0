#!/usr/bin/env node
import { openApp, type App } from "./app.js";
import { runDaemon } from "./daemon.js";
import { InputError, LockHeldError } from "./lib/errors.js";
import { parseArgs, USAGE } from "./cli-args.js";
import { formatIstDay } from "./lib/ist-time.js";
import { peakMemoryBytes } from "./lib/peak-memory.js";
import { printStatus, retryFailedCalls } from "./commands.js";

/** How long SIGINT/SIGTERM wait for the steps in flight (design §2). */
const SHUTDOWN_GRACE_MS = 30_000;

function explain(error: unknown): number {
  if (error instanceof InputError || error instanceof LockHeldError) {
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  process.stderr.write(`Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
}

function handleSignals(app: App): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      app.ctx.logger.warn(`${signal} again: stopping now; unfinished steps resume at the next start`);
      app.releaseLockNow();
      process.exit(0);
    }
    signalled = true;
    app.ctx.logger.info(`${signal} received: finishing the steps in progress (at most ${SHUTDOWN_GRACE_MS / 1000} s), then stopping`);
    app.stop.abort();
    setTimeout(() => {
      app.ctx.logger.warn("Steps still running after the grace period; stopping anyway (they resume at the next start)");
      void app.close().finally(() => process.exit(0));
    }, SHUTDOWN_GRACE_MS).unref();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

async function main(argv: string[]): Promise<number> {
  const command = parseArgs(argv);
  if (typeof command === "string") {
    process.stderr.write(`${command}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command.name === "status") return printStatus({ cwd: process.cwd(), env: process.env });
  let app: App;
  try {
    app = await openApp({ cwd: process.cwd(), env: process.env });
  } catch (error) {
    return explain(error);
  }
  process.on("unhandledRejection", (reason) => {
    app.ctx.logger.fatal({ err: reason }, "Unexpected internal error; stopping (state is saved, the next start resumes)");
    app.releaseLockNow();
    process.exit(1);
  });
  try {
    if (command.name === "retry") return await retryFailedCalls(app, command.sids);
    handleSignals(app);
    const { config } = app;
    app.ctx.logger.info(
      `zoho-call-tickets started (pid ${process.pid}): Exotel account ${config.exotel.accountSid}, ` +
        `${command.name === "backfill" ? `backfill since ${formatIstDay(command.since)}` : command.once ? "one poll" : `polling every ${config.pipeline.pollIntervalSeconds} s`}, ` +
        `${config.pipeline.maxConcurrentCalls} calls at a time; analysis: ${config.openai.apiKey ? `OpenAI ${config.openai.model}` : "keywords (no OPENAI_API_KEY)"}; ` +
        `Zoho Desk: ${config.zoho ? config.zoho.deskApiUrl : "DRY RUN (ZOHO_DESK_ENABLED=false)"}; log: ${config.files.logFile}`,
    );
    const code = await runDaemon(app, command.name === "backfill" ? { once: true, since: command.since } : { once: command.once });
    if (app.stop.signal.aborted) app.ctx.logger.info("Stopped cleanly; state saved");
    const usage = process.resourceUsage();
    app.ctx.logger.info(`Resource usage: CPU ${Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000)} ms, peak memory ${Math.round(peakMemoryBytes() / 1024 / 1024)} MB`);
    return code;
  } catch (error) {
    app.ctx.logger.error({ err: error }, "Stopped by an unexpected error");
    return explain(error);
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(explain(error)),
);
