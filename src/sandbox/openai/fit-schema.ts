import type { DerivedAnalysis } from "./derive-analysis.js";
import { isObject, type JsonObject } from "./strict-schema.js";

/**
 * Shapes an answer to whatever schema the request sent, the way a model under strict structured
 * output does: exactly the required properties, each of the declared type, enums respected.
 * Known values (a registered analysis) win; then what the transcript suggests for a property of
 * that name; then a plain value of the right type.
 */
export function fitToSchema(root: JsonObject, known: JsonObject, derived: DerivedAnalysis, now: () => number): JsonObject {
  const fitter = new SchemaFitter(root, derived, now);
  return fitter.object(root, known);
}

/** Values the transcript suggests for commonly named properties (names compared without case, `_` or `-`). */
function suggestionFor(name: string, derived: DerivedAnalysis): unknown {
  switch (name.toLowerCase().replace(/[_-]/g, "")) {
    case "concern":
    case "mainconcern":
    case "issue":
    case "topic":
      return derived.concern;
    case "mood":
    case "sentiment":
    case "customermood":
      return derived.mood;
    case "summary":
      return derived.summary;
    case "category":
      return derived.category;
    case "priority":
    case "urgency":
      return derived.priority;
    case "callbackrequested":
    case "callback":
    case "needscallback":
      return derived.callbackRequested;
    case "actionitems":
    case "nextsteps":
    case "actions":
      return derived.actionItems;
    case "language":
      return "English";
    default:
      return undefined;
  }
}

/** Words that mean the same mood, so a registered "angry" can land on an enum's "Negative". */
const MOOD_SYNONYMS: ReadonlyArray<ReadonlyArray<string>> = [
  ["urgent", "critical", "furious", "emergency"],
  ["negative", "angry", "frustrated", "unhappy", "upset", "dissatisfied"],
  ["neutral", "calm", "normal", "mixed"],
  ["positive", "happy", "satisfied", "pleased", "grateful"],
];

function matchEnum(value: string, options: unknown[]): unknown {
  if (options.includes(value)) return value;
  const lower = value.toLowerCase();
  const sameCase = options.find((o) => typeof o === "string" && o.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  const group = MOOD_SYNONYMS.find((g) => g.includes(lower));
  return group ? options.find((o) => typeof o === "string" && group.includes(o.toLowerCase())) : undefined;
}

function typesOf(schema: JsonObject): string[] {
  const type = schema["type"];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === "string");
  if (typeof type === "string") return [type];
  if (Array.isArray(schema["enum"])) return [...new Set(schema["enum"].map((v) => (v === null ? "null" : typeof v)))];
  if ("const" in schema) return [schema["const"] === null ? "null" : typeof schema["const"]];
  if (isObject(schema["properties"])) return ["object"];
  return [];
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    case "null":
      return value === null;
    default:
      return false;
  }
}

class SchemaFitter {
  constructor(
    private readonly root: JsonObject,
    private readonly derived: DerivedAnalysis,
    private readonly now: () => number,
  ) {}

  object(schema: JsonObject, known: JsonObject): JsonObject {
    const properties = isObject(schema["properties"]) ? schema["properties"] : {};
    const keys = Array.isArray(schema["required"]) ? schema["required"].filter((k): k is string => typeof k === "string") : Object.keys(properties);
    const result: JsonObject = {};
    for (const key of keys) {
      const property = properties[key];
      const candidates = [known[key], suggestionFor(key, this.derived)].filter((c) => c !== undefined);
      result[key] = this.value(isObject(property) ? property : {}, candidates);
    }
    return result;
  }

  private value(rawSchema: JsonObject, candidates: unknown[]): unknown {
    const schema = this.resolve(rawSchema);
    const branches = Array.isArray(schema["anyOf"]) ? schema["anyOf"].filter(isObject).map((b) => this.resolve(b)) : null;
    if (branches) {
      for (const candidate of candidates) {
        for (const branch of branches) {
          const fitted = this.fromCandidate(branch, candidate);
          if (fitted !== undefined) return fitted;
        }
      }
      // Like a nullable type: nothing known is said as null.
      if (branches.some((b) => typesOf(b).includes("null"))) return null;
      return branches[0] ? this.fill(branches[0]) : null;
    }
    for (const candidate of candidates) {
      const fitted = this.fromCandidate(schema, candidate);
      if (fitted !== undefined) return fitted;
    }
    return this.fill(schema);
  }

  /** The candidate shaped to the schema, or undefined when it cannot be. */
  private fromCandidate(schema: JsonObject, candidate: unknown): unknown {
    if ("const" in schema) return candidate === schema["const"] ? candidate : undefined;
    const options = Array.isArray(schema["enum"]) ? schema["enum"] : null;
    if (options) return typeof candidate === "string" ? matchEnum(candidate, options) : options.includes(candidate) ? candidate : undefined;
    const types = typesOf(schema);
    if (types.length > 0 && !types.some((t) => hasType(candidate, t))) return undefined;
    if (isObject(candidate)) return this.object(schema, candidate);
    if (Array.isArray(candidate)) {
      const items = isObject(schema["items"]) ? schema["items"] : {};
      return candidate.map((item) => this.value(items, [item]));
    }
    return candidate;
  }

  /** A plain value of the schema's type, for properties nothing is known about. */
  private fill(schema: JsonObject): unknown {
    if ("const" in schema) return schema["const"];
    if (Array.isArray(schema["enum"]) && schema["enum"].length > 0) return schema["enum"][0];
    const types = typesOf(schema);
    if (types.includes("null")) return null;
    switch (types[0]) {
      case "string":
        return schema["format"] === "date-time" ? new Date(this.now()).toISOString() : "Not stated in the call";
      case "integer":
      case "number":
        return typeof schema["minimum"] === "number" ? schema["minimum"] : 0;
      case "boolean":
        return false;
      case "array": {
        const count = typeof schema["minItems"] === "number" ? schema["minItems"] : 0;
        const items = isObject(schema["items"]) ? schema["items"] : {};
        return Array.from({ length: count }, () => this.value(items, []));
      }
      case "object":
        return this.object(schema, {});
      default:
        return null;
    }
  }

  /** Follows a local `$ref` (`#/$defs/X`, `#/definitions/X`). */
  private resolve(schema: JsonObject): JsonObject {
    const ref = schema["$ref"];
    if (typeof ref !== "string" || !ref.startsWith("#")) return schema;
    let target: unknown = this.root;
    for (const part of ref.slice(1).split("/").filter(Boolean)) {
      const key = decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
      target = isObject(target) ? target[key] : undefined;
    }
    return isObject(target) ? this.resolve(target) : {};
  }
}
