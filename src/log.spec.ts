import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger, scrub } from "./log.js";

describe("scrub", () => {
  it.each([
    ["a secret in plain text", "Authorization: Bearer 1000.abc123", ["1000.abc123"], "Authorization: Bearer [redacted]"],
    ["every occurrence", "k=s3cr3t&again=s3cr3t", ["s3cr3t"], "k=[redacted]&again=[redacted]"],
    ["several secrets", "key=exo-key token=exo-token", ["exo-key", "exo-token"], "key=[redacted] token=[redacted]"],
    ["a secret with quotes and backslashes, JSON-escaped", JSON.stringify({ msg: 'pa"ss\\word' }), ['pa"ss\\word'], '{"msg":"[redacted]"}'],
    ["a secret with a newline, JSON-escaped", JSON.stringify({ msg: "line1\nline2" }), ["line1\nline2"], '{"msg":"[redacted]"}'],
    ["text without secrets, unchanged", "nothing to see", ["s3cr3t"], "nothing to see"],
  ])("blanks %s", (_label, text, secrets, expected) => {
    expect(scrub(text, secrets)).toBe(expected);
  });

  it("blanks the whole of a secret that contains another", () => {
    expect(scrub("token=abcd1234efgh", ["abcd", "abcd1234efgh"])).toBe("token=[redacted]");
  });
});

describe("createLogger", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "log-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const SECRETS = ["exo-token-abcdefghij", "1000.refresh.secret-value", 'quo"ted\\secret'];

  it("never writes a secret it was given to its file or the console", async () => {
    const file = path.join(dir, "logs", "zoho_processor.log");
    const consoleLines: string[] = [];
    const log = createLogger({ level: "debug", file, secrets: SECRETS, console: { write: (text) => consoleLines.push(text) } });
    log.logger.info(`Calling Exotel with token ${SECRETS[0]}`);
    log.logger.warn({ response: { body: `{"refresh_token":"${SECRETS[1]}"}` } }, "Zoho answered");
    log.logger.error({ err: new Error(`bad credentials ${SECRETS[2]}`) }, "Request failed");
    log.logger.debug({ zoho: { clientSecret: "client-secret-by-field", refreshToken: SECRETS[1] } }, "settings");
    log.close();

    const written = await readFile(file, "utf8");
    const shown = consoleLines.join("");
    for (const output of [written, shown]) {
      for (const secret of [...SECRETS, JSON.stringify(SECRETS[2]).slice(1, -1), "client-secret-by-field"]) expect(output).not.toContain(secret);
      expect(output).toContain("Calling Exotel with token [redacted]");
      expect(output).toContain("Zoho answered");
      expect(output).toContain("Request failed");
      expect(output).toContain("[redacted]");
    }
    expect(written).toContain("settings");
  });

  it("blanks a secret learnt later from then on", async () => {
    const file = path.join(dir, "zoho_processor.log");
    const log = createLogger({ level: "info", file, secrets: [], console: null });
    log.addSecret("1000.fresh-access-token");
    log.logger.info("new token 1000.fresh-access-token");
    log.close();
    expect(await readFile(file, "utf8")).toContain("new token [redacted]");
  });

  it("ignores secrets shorter than four characters, which would blank ordinary words", async () => {
    const file = path.join(dir, "zoho_processor.log");
    const log = createLogger({ level: "info", file, secrets: ["a", "on"], console: null });
    log.addSecret("id");
    log.logger.info("a call on line id 7");
    log.close();
    expect(await readFile(file, "utf8")).toContain("a call on line id 7");
  });

  it("appends to an existing log file", async () => {
    const file = path.join(dir, "zoho_processor.log");
    for (const message of ["first run", "second run"]) {
      const log = createLogger({ level: "info", file, secrets: [], console: null });
      log.logger.info(message);
      log.close();
    }
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain("first run");
    expect(lines[1]).toContain("second run");
  });
});
