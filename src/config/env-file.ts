import { promises as fs } from "node:fs";
import { parse } from "dotenv";
import { writeFileAtomic } from "../lib/atomic-file.js";
import { InputError, type InputProblem } from "../lib/errors.js";

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=(.*)$/;

/**
 * dotenv skips lines it cannot read without a word, so a typo like `EXOTEL_SID acme1` would
 * surface later as a confusing "missing" error. We look at every line first and name the bad one.
 */
export function findMalformedLines(text: string): InputProblem[] {
  const problems: InputProblem[] = [];
  let openQuote: string | null = null;
  text.split(/\r?\n/).forEach((line, index) => {
    if (openQuote) {
      if (line.includes(openQuote)) openQuote = null;
      return;
    }
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    const match = ASSIGNMENT.exec(line);
    if (!match) {
      problems.push({
        field: `line ${index + 1}`,
        problem: `"${trimmed.slice(0, 40)}" is not a NAME=value setting.`,
        fix: "write it as NAME=value, or start the line with # to make it a comment.",
      });
      return;
    }
    const value = (match[2] ?? "").trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === "`") && value.indexOf(quote, 1) === -1) openQuote = quote;
  });
  return problems;
}

/** Reads and parses an env file; a missing file is not an error (variables may come from the environment). */
export async function readEnvFile(file: string): Promise<Record<string, string> | null> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new InputError(file, [{ field: "file", problem: `cannot be read (${(error as Error).message}).`, fix: "check the file's permissions." }]);
  }
  const problems = findMalformedLines(text.replace(/^\uFEFF/, ""));
  if (problems.length > 0) throw new InputError(file, problems);
  return parse(text.replace(/^\uFEFF/, ""));
}

/**
 * Sets one variable in an env file, changing only its line and keeping everything else (comments,
 * order, quoting style, CRLF endings, a BOM) byte for byte. Appends the variable when absent.
 */
export function setEnvVariable(text: string, name: string, value: string): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const pattern = new RegExp(`^(\\s*(?:export\\s+)?${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*=\\s*)(["'\`]?)(.*)$`);
  let found = false;
  const updated = lines.map((line) => {
    if (found) return line;
    const match = pattern.exec(line);
    if (!match) return line;
    found = true;
    const [, prefix, quote, rest = ""] = match;
    return `${prefix}${quote}${value}${quote}${inlineComment(quote ?? "", rest)}`;
  });
  if (found) return updated.join(eol);
  const body = text === "" || text.endsWith("\n") ? text : `${text}${eol}`;
  return `${body}${name}=${value}${eol}`;
}

/** What follows the old value on its line (`  # refreshed by the program`), kept as it was. */
function inlineComment(quote: string, rest: string): string {
  if (quote) {
    const close = rest.indexOf(quote);
    return close === -1 ? "" : rest.slice(close + 1);
  }
  return /\s+#.*$/.exec(rest)?.[0] ?? "";
}

/** Writes `name=value` into the env file atomically, leaving every other line as it was. */
export async function writeEnvVariable(file: string, name: string, value: string): Promise<void> {
  let text = "";
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await writeFileAtomic(file, setEnvVariable(text, name, value));
}
