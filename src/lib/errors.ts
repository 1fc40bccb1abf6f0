export type ServiceName = "exotel" | "deepgram" | "openai" | "zoho-desk" | "zoho-accounts";

export interface ServiceErrorDetails {
  service: ServiceName;
  /** What we were doing, e.g. `create ticket`. */
  operation: string;
  /** HTTP status, or null when no answer came (refused, dropped, timed out). */
  status: number | null;
  /** The service's own error code (`INVALID_OAUTH`, `insufficient_quota`) or the socket error (`ECONNRESET`). */
  code?: string | null;
  /** Worth trying again later: 429, 5xx, timeouts, dropped connections. */
  transient: boolean;
  /** How long the service asked us to wait, when it said. */
  retryAfterMs?: number | null;
  /**
   * A write may have taken effect although no success answer came (timeout, dropped connection,
   * 5xx). Such a write must not simply be sent again: look for its result first.
   */
  maybeApplied?: boolean;
  callSid?: string | null;
  cause?: unknown;
}

/** A request to an outside service failed. The message never carries credentials. */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
  readonly service: ServiceName;
  readonly operation: string;
  readonly status: number | null;
  readonly code: string | null;
  readonly transient: boolean;
  readonly retryAfterMs: number | null;
  readonly maybeApplied: boolean;
  readonly callSid: string | null;

  constructor(message: string, details: ServiceErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.service = details.service;
    this.operation = details.operation;
    this.status = details.status;
    this.code = details.code ?? null;
    this.transient = details.transient;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.maybeApplied = details.maybeApplied ?? false;
    this.callSid = details.callSid ?? null;
  }
}

/**
 * Not a failure: the call cannot move on yet (Zoho sign-in is being throttled, a search index has
 * not caught up, a recording has not appeared). Deferrals never use up a call's attempts.
 */
export class DeferredError extends Error {
  override readonly name = "DeferredError";

  /**
   * `waiting`: the normal course of things (a recording not there yet). `blocked`: something needs
   * attention (Zoho sign-in revoked or throttled); `--once` then exits 1.
   */
  constructor(
    message: string,
    readonly kind: "waiting" | "blocked" = "waiting",
  ) {
    super(message);
  }
}

const SERVICE_LABELS: Record<ServiceName, string> = {
  exotel: "Exotel",
  deepgram: "Deepgram",
  openai: "OpenAI",
  "zoho-desk": "Zoho Desk",
  "zoho-accounts": "Zoho Accounts",
};

export function serviceLabel(service: ServiceName): string {
  return SERVICE_LABELS[service];
}

/**
 * A service kept answering 429, or asked for a longer wait than a retry is worth. Its requests
 * pause for everyone, and the call waits for a later cycle: being throttled, often by other
 * integrations on the same account, is no fault of the call, so it uses up none of its attempts.
 */
export class RateLimitedError extends DeferredError {
  constructor(readonly service: ServiceName) {
    super(`${serviceLabel(service)} keeps answering 429 (too many requests): requests to it pause, and the work waits for a later cycle`, "blocked");
  }
}

/**
 * The program is stopping (SIGINT/SIGTERM), and a wait — before a retry, for a rate budget, for a
 * free slot — was cut short rather than sat out. The call is left as its last saved step has it
 * and resumes at the next start, exactly as after a crash at that instant.
 */
export class InterruptedError extends DeferredError {
  constructor(waitingFor: string) {
    super(`the program is stopping: no longer waiting ${waitingFor}`);
  }
}

export interface InputProblem {
  /** The variable, JSON path or line the problem is in. */
  field: string;
  problem: string;
  fix: string;
}

/**
 * A file or setting the user owns is wrong. The program stops (exit 2) and names the file, the
 * field and the fix; it never rewrites the file to "recover".
 */
export class InputError extends Error {
  override readonly name = "InputError";
  readonly file: string;
  readonly problems: InputProblem[];

  constructor(file: string, problems: InputProblem[], headline?: string) {
    super(
      [
        headline ?? `${file} has ${problems.length === 1 ? "a problem" : `${problems.length} problems`}; the program did not start.`,
        ...problems.map((p) => `  - ${p.field}: ${p.problem} Fix: ${p.fix}`),
      ].join("\n"),
    );
    this.file = file;
    this.problems = problems;
  }
}

/** Another instance holds the state lock; `host` is set when it was taken on another machine. */
export class LockHeldError extends Error {
  override readonly name = "LockHeldError";
  constructor(
    readonly lockFile: string,
    readonly pid: number,
    readonly host: string | null = null,
  ) {
    super(host === null ? LockHeldError.sameHost(lockFile, pid) : LockHeldError.otherHost(lockFile, pid, host || "another machine"));
  }

  private static sameHost(lockFile: string, pid: number): string {
    return (
      `Another instance (pid ${pid}) is already running on this state (lock file ${lockFile}). ` +
      `Stop it first, or if no such process exists, the lock will be taken over on the next start.`
    );
  }

  /** This machine cannot tell whether a process on another one still runs, so such a lock is never taken over. */
  private static otherHost(lockFile: string, pid: number, host: string): string {
    return (
      `Another instance (pid ${pid} on ${host}) holds the lock on this state (lock file ${lockFile}). ` +
      `Stop it first. A lock taken on another machine is never taken over, as this one cannot tell whether that instance still runs: ` +
      `if none runs on ${host} any more, delete ${lockFile}.`
    );
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
