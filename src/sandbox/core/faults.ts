/**
 * Scripted misbehaviour for one emulated service. A rule matches requests (by method and path)
 * and applies to the next `times` of them; rules are consulted in the order they were added.
 */
export type Fault =
  /** Answer with this status and body instead of handling the request. */
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  /** Close the connection without answering, before handling. */
  | { kind: "drop" }
  /** Answer 200 with a body that is not what the client expects (not JSON, truncated). */
  | { kind: "malformed"; body?: string; contentType?: string }
  /** Hold the request without handling it, then drop the connection (`ms` omitted: until stop). */
  | { kind: "stall"; ms?: number }
  /** Handle the request (the write happens), then hold the answer `ms` (omitted: until stop), then drop. */
  | { kind: "commit-then-stall"; ms?: number }
  /** Handle the request, then close the connection instead of answering. */
  | { kind: "commit-then-drop" }
  /** Handle the request (the write happens), then answer 200 with a body the client cannot read. */
  | { kind: "commit-then-malformed"; body?: string; contentType?: string }
  /** Handle the request, send its status, headers and only the first `bytes` bytes of its body, then drop the connection. */
  | { kind: "truncate"; bytes: number }
  /** Wait `ms`, then handle the request normally. */
  | { kind: "delay"; ms: number };

export interface FaultMatch {
  method?: string;
  /** Exact path, or a pattern tested against the path (no query). */
  path?: string | RegExp;
}

export interface FaultRule {
  match?: FaultMatch;
  /** How many matching requests it applies to; default 1, `Infinity` for all. */
  times?: number;
  fault: Fault;
}

interface ActiveRule {
  match: FaultMatch;
  remaining: number;
  fault: Fault;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  /** Adds a rule; returns a function that removes it. */
  add(rule: FaultRule): () => void {
    const active: ActiveRule = { match: rule.match ?? {}, remaining: rule.times ?? 1, fault: rule.fault };
    this.rules.push(active);
    return () => {
      this.rules = this.rules.filter((r) => r !== active);
    };
  }

  /** Shorthand: the next `times` matching requests fail with `status` (and optional body/headers). */
  failNext(status: number, options: { times?: number; match?: FaultMatch; body?: unknown; headers?: Record<string, string> } = {}): () => void {
    return this.add({
      match: options.match,
      times: options.times ?? 1,
      fault: { kind: "status", status, body: options.body, headers: options.headers },
    });
  }

  clear(): void {
    this.rules = [];
  }

  get pending(): number {
    return this.rules.reduce((sum, r) => sum + (Number.isFinite(r.remaining) ? r.remaining : 1), 0);
  }

  /** The fault for this request, if a rule matches; consumes one use of that rule. */
  take(method: string, path: string): Fault | undefined {
    for (const rule of this.rules) {
      if (rule.remaining <= 0) continue;
      if (rule.match.method && rule.match.method.toUpperCase() !== method.toUpperCase()) continue;
      const p = rule.match.path;
      if (p !== undefined && (typeof p === "string" ? p !== path : !p.test(path))) continue;
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
      return rule.fault;
    }
    return undefined;
  }
}
