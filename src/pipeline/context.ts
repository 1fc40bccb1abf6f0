import type { AgentDirectory } from "../config/agents.js";
import type { Config } from "../config/config.js";
import type { CallAnalyser, CallSource, HelpDesk, Transcriber } from "../domain/ports.js";
import type { KeyedMutex } from "../lib/keyed-mutex.js";
import type { Logger } from "../log.js";
import type { StateStore } from "../state/store.js";

/** Everything the pipeline works with, built once at start (see src/app.ts). */
export interface PipelineContext {
  config: Config;
  agents: AgentDirectory;
  store: StateStore;
  calls: CallSource;
  transcriber: Transcriber;
  analyser: CallAnalyser;
  /** Null in a dry run (ZOHO_DESK_ENABLED=false). */
  desk: (HelpDesk & { findAgentIdByEmail?(email: string): Promise<string | null> }) | null;
  logger: Logger;
  now(): Date;
  /** One contact lookup-or-create at a time per phone number. */
  contactLocks: KeyedMutex;
  /** Set on SIGINT/SIGTERM: finish the step in hand, start no more. */
  stopping: AbortSignal;
}
