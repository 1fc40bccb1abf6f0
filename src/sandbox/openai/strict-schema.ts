/**
 * OpenAI's checks on a structured-output format before any model runs (openai.md §8.3). The
 * sandbox insists on `strict: true` because the daemon must always send it: without it the model
 * may answer outside the schema.
 */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** A strict json_schema format as found in the request, once it passed the checks. */
export interface StrictFormat {
  name: string;
  schema: JsonObject;
}

export type FormatCheck = { ok: true; format: StrictFormat } | { ok: false; message: string; code: string | null };

/**
 * Checks `{ name, strict, schema }` — the `response_format.json_schema` of Chat Completions or
 * the flat `text.format` of Responses. `where` names the field in messages, as OpenAI does.
 */
export function checkStrictFormat(format: JsonObject, where: string): FormatCheck {
  const name = format["name"];
  if (name === undefined) return { ok: false, message: `Missing required parameter: '${where}.name'.`, code: "missing_required_parameter" };
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
    return {
      ok: false,
      message: `Invalid '${where}.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$' and is at most 64 characters long.`,
      code: "invalid_value",
    };
  }
  if (format["strict"] !== true) {
    return {
      ok: false,
      message: `Invalid '${where}.strict': this server only serves strict structured output; send 'strict': true so the answer is guaranteed to follow the schema.`,
      code: "invalid_value",
    };
  }
  const schema = format["schema"];
  if (!isObject(schema)) return { ok: false, message: `Missing required parameter: '${where}.schema'.`, code: "missing_required_parameter" };
  if (schema["type"] !== "object") {
    return {
      ok: false,
      message: `Invalid schema for response_format '${name}': schema must be a JSON Schema of 'type: "object"', got 'type: "${String(schema["type"] ?? "None")}"'.`,
      code: null,
    };
  }
  const problem = findStrictProblem(schema, []);
  if (problem) return { ok: false, message: `Invalid schema for response_format '${name}': In context=${contextTuple(problem.path)}, ${problem.message}`, code: null };
  return { ok: true, format: { name, schema } };
}

interface Problem {
  path: string[];
  message: string;
}

function findStrictProblem(schema: JsonObject, path: string[]): Problem | null {
  const types = Array.isArray(schema["type"]) ? schema["type"] : [schema["type"]];
  if (types.includes("object") || isObject(schema["properties"])) {
    if (schema["additionalProperties"] !== false) return { path, message: "'additionalProperties' is required to be supplied and to be false." };
    const properties = isObject(schema["properties"]) ? schema["properties"] : {};
    const required = Array.isArray(schema["required"]) ? schema["required"] : null;
    for (const key of Object.keys(properties)) {
      if (!required?.includes(key)) {
        return { path, message: `'required' is required to be supplied and to be an array including every key in properties. Missing '${key}'.` };
      }
    }
    for (const key of required ?? []) {
      if (typeof key !== "string" || !(key in properties)) {
        return { path, message: `'required' is required to be supplied and to be an array including every key in properties. Extra required key '${String(key)}' supplied.` };
      }
    }
    for (const [key, child] of Object.entries(properties)) {
      if (!isObject(child)) continue;
      const found = findStrictProblem(child, [...path, "properties", key]);
      if (found) return found;
    }
  }
  if (isObject(schema["items"])) {
    const found = findStrictProblem(schema["items"], [...path, "items"]);
    if (found) return found;
  }
  for (const keyword of ["anyOf", "allOf"] as const) {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) continue;
    for (const [index, branch] of branches.entries()) {
      if (!isObject(branch)) continue;
      const found = findStrictProblem(branch, [...path, keyword, String(index)]);
      if (found) return found;
    }
  }
  for (const keyword of ["$defs", "definitions"] as const) {
    const defs = schema[keyword];
    if (!isObject(defs)) continue;
    for (const [key, def] of Object.entries(defs)) {
      if (!isObject(def)) continue;
      const found = findStrictProblem(def, [...path, keyword, key]);
      if (found) return found;
    }
  }
  return null;
}

/** OpenAI prints the location as a Python tuple: `()`, `('items',)`, `('properties', 'mood')`. */
function contextTuple(path: string[]): string {
  if (path.length === 0) return "()";
  const items = path.map((p) => `'${p}'`);
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}
