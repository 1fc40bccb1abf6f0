import { InputError } from "./errors.js";

/** Parses a user's JSON file; a syntax error names the line and column instead of a byte offset. */
export function parseJsonFile(file: string, text: string): unknown {
  const body = text.replace(/^\uFEFF/, "");
  try {
    return JSON.parse(body);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    let where = "";
    if (position) {
      const offset = Number(position[1]);
      const before = body.slice(0, offset).split("\n");
      where = ` at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
    }
    throw new InputError(file, [
      {
        field: body.trim() === "" ? "file" : `JSON${where}`,
        problem: body.trim() === "" ? "is empty." : `is not valid JSON (${message.replace(/ in JSON at position \d+.*/, "")}).`,
        fix: "correct the file by hand (a JSON validator shows the exact spot); the program never rewrites it for you.",
      },
    ]);
  }
}
