import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { pino, type Logger } from "pino";
import { prettyFactory } from "pino-pretty";

export type { Logger };

export interface LogOptions {
  level: string;
  /** The readable log file people `tail -f`; null for console only. */
  file: string | null;
  /** Secret values to blank wherever they appear in a line. */
  secrets: string[];
  /** Console output; defaults to stdout. */
  console?: { write(text: string): void; isTTY?: boolean } | null;
}

export interface LogHandle {
  logger: Logger;
  /** Blanks a secret learnt at run time (a refreshed access token) from every later line. */
  addSecret(value: string): void;
  close(): void;
}

const PRETTY = {
  translateTime: "SYS:yyyy-mm-dd HH:MM:ss",
  ignore: "pid,hostname",
  singleLine: true,
  // Messages name the call themselves; the structured fields are for machines (LOG_LEVEL=debug shows no more).
  hideObject: true,
};

/**
 * pino writes JSON; people read lines. Each JSON line is scrubbed of secrets once, then
 * written readable to the console (coloured when it is a terminal) and to the log file,
 * synchronously, so a line logged just before a crash is not lost.
 */
export function createLogger(options: LogOptions): LogHandle {
  const secrets = new Set(options.secrets.filter((s) => s.length >= 4));
  const consoleOut = options.console === undefined ? process.stdout : options.console;
  const formatConsole = prettyFactory({ ...PRETTY, colorize: Boolean(consoleOut?.isTTY) });
  const formatFile = prettyFactory({ ...PRETTY, colorize: false });
  let fd: number | null = null;
  if (options.file) {
    mkdirSync(path.dirname(options.file), { recursive: true });
    fd = openSync(options.file, "a");
  }

  const destination = {
    write(line: string) {
      const clean = scrub(line, secrets);
      let record: unknown;
      try {
        record = JSON.parse(clean);
      } catch {
        record = null;
      }
      if (consoleOut) consoleOut.write(record ? formatConsole(record) : clean);
      if (fd !== null) writeSync(fd, record ? formatFile(record) : clean);
    },
  };

  const logger = pino(
    {
      level: options.level,
      base: undefined,
      redact: {
        paths: ["*.apiKey", "*.apiToken", "*.accessToken", "*.refreshToken", "*.clientSecret", "*.authorization", "*.Authorization"],
        censor: "[redacted]",
      },
    },
    destination,
  );

  return {
    logger,
    addSecret(value: string) {
      if (value.length >= 4) secrets.add(value);
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

/** Replaces every known secret (and its JSON-escaped form) with `[redacted]`. */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text;
  // Longest first: a secret that contains a shorter one must go whole, not leave its remainder behind.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (out.includes(secret)) out = out.split(secret).join("[redacted]");
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join("[redacted]");
  }
  return out;
}
