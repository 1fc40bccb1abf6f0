import type { FieldError } from "./desk-errors.js";

/** Collects INVALID_DATA field errors while reading a request body, the way Desk reports them. */
export class FieldChecks {
  readonly errors: FieldError[] = [];

  constructor(private readonly body: Record<string, unknown>) {}

  missing(pointer: string): void {
    this.errors.push({ fieldName: pointer, errorType: "missing" });
  }

  invalid(pointer: string, errorMessage: string): void {
    this.errors.push({ fieldName: pointer, errorType: "invalid", errorMessage });
  }

  /** A string field: undefined when absent, null when null; reports a wrong type or length. */
  text(key: string, options: { required?: boolean; max?: number; pointer?: string } = {}): string | null | undefined {
    const pointer = options.pointer ?? `/${key}`;
    const value = this.body[key];
    if (value === undefined || value === null || value === "") {
      if (options.required) this.missing(pointer);
      return value === undefined ? undefined : null;
    }
    if (typeof value !== "string") {
      this.invalid(pointer, `${key} must be a string`);
      return undefined;
    }
    if (options.max !== undefined && value.length > options.max) {
      this.invalid(pointer, `${key} can have at most ${options.max} characters`);
      return undefined;
    }
    return value;
  }

  /** One of a fixed set of values (a picklist); null and absent allowed. */
  choice(key: string, options: readonly string[]): string | null | undefined {
    const value = this.text(key);
    if (typeof value === "string" && !options.includes(value)) {
      this.invalid(`/${key}`, `${key} must be one of: ${options.join(", ")}`);
      return undefined;
    }
    return value;
  }

  boolean(key: string): boolean | undefined {
    const value = this.body[key];
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") {
      this.invalid(`/${key}`, `${key} must be true or false`);
      return undefined;
    }
    return value;
  }

  /** An ISO-8601 time, kept as sent. */
  time(key: string): string | null | undefined {
    const value = this.text(key);
    if (typeof value === "string" && Number.isNaN(Date.parse(value))) {
      this.invalid(`/${key}`, `${key} must be an ISO-8601 time`);
      return undefined;
    }
    return value;
  }

  unknownFields(known: ReadonlySet<string>): void {
    for (const key of Object.keys(this.body)) if (!known.has(key)) this.invalid(`/${key}`, `${key} is not a field of this record`);
  }
}

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
