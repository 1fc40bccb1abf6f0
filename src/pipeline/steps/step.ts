import type { CallState, Step } from "../../state/model.js";
import type { PipelineContext } from "../context.js";

export interface StepResult {
  set?: Partial<CallState>;
  unset?: readonly string[];
}

/** One step of a call's journey. Its result is saved before the next step starts. */
export interface CallStep {
  name: Exclude<Step, "discovered">;
  /** Writes to the help desk: a dry run stops before it. */
  writesToDesk: boolean;
  /** Why running it again after a crash cannot double anything. */
  idempotency: string;
  applies(entry: Readonly<CallState>): boolean;
  run(sid: string, entry: Readonly<CallState>, ctx: PipelineContext): Promise<StepResult>;
}

/** The call cannot become a ticket by the user's own settings (e.g. contacts may not be created). */
export class CallSkipped extends Error {
  override readonly name = "CallSkipped";
}

/** Entries past admission always carry these; a missing one is a bug, not bad input. */
export function required<T>(value: T | null | undefined, what: string, sid: string): T {
  if (value === null || value === undefined) throw new Error(`call ${sid} reached a step without its ${what}`);
  return value;
}
