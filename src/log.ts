import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { pino, type Logger } from "pino";

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

const LEVELS: Record<number, { label: string; colour: string }> = {
  10: { label: "TRACE", colour: "\x1b[90m" },
  20: { label: "DEBUG", colour: "\x1b[36m" },
  30: { label: "INFO", colour: "\x1b[32m" },
  40: { label: "WARN", colour: "\x1b[33m" },
  50: { label: "ERROR", colour: "\x1b[31m" },
  60: { label: "FATAL", colour: "\x1b[41m" },
};

function localTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * `[2026-11-24 14:41:07] INFO: ✓ Created Zoho Desk ticket #1043 …`: one line per event, in the
 * machine's local time. Messages name their call themselves, so the structured fields (kept for
 * machines) stay out of the line; an error's stack follows, indented.
 */
export function formatLine(record: { level?: number; time?: number; msg?: string; err?: { stack?: string; message?: string } }, colour: boolean): string {
  const level = LEVELS[record.level ?? 30] ?? { label: "INFO", colour: "" };
  const label = colour ? `${level.colour}${level.label}\x1b[0m` : level.label;
  let line = `[${localTime(record.time ?? Date.now())}] ${label}: ${record.msg ?? ""}`;
  const detail = record.err?.stack ?? record.err?.message;
  if (detail) line += `\n    ${detail.replace(/\n/g, "\n    ")}`;
  return `${line}\n`;
}

/**
 * pino writes JSON; people read lines. Each JSON line is scrubbed of secrets once, then
 * written readable to the console (coloured when it is a terminal) and to the log file,
 * synchronously, so a line logged just before a crash is not lost.
 */
export function createLogger(options: LogOptions): LogHandle {
  const secrets = new Set(options.secrets.filter((s) => s.length >= 4));
  const consoleOut = options.console === undefined ? process.stdout : options.console;
  const colour = Boolean(consoleOut?.isTTY);
  let fd: number | null = null;
  if (options.file) {
    mkdirSync(path.dirname(options.file), { recursive: true });
    fd = openSync(options.file, "a");
  }

  const destination = {
    write(line: string) {
      const clean = scrub(line, secrets);
      let record: Parameters<typeof formatLine>[0] | null;
      try {
        record = JSON.parse(clean) as Parameters<typeof formatLine>[0];
      } catch {
        record = null;
      }
      if (consoleOut) consoleOut.write(record ? formatLine(record, colour) : clean);
      if (fd !== null) writeSync(fd, record ? formatLine(record, false) : clean);
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
