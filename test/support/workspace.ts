import { spawn, type ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The built program, as users run it. Integration tests drive it only through its runtime contract. */
export const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningDaemon {
  child: ChildProcess;
  output(): string;
  exited: Promise<RunResult>;
  kill(signal?: NodeJS.Signals): Promise<RunResult>;
}

/** Settings that make a test run quick without changing what the program does. */
export const FAST_SETTINGS: Record<string, string> = {
  POLL_INTERVAL_SECONDS: "1",
  HTTP_RETRY_BASE_MS: "20",
  ZOHO_SEARCH_SETTLE_SECONDS: "0",
  LOG_LEVEL: "debug",
};

function toEnvText(vars: Record<string, string>): string {
  return `${Object.entries(vars)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n")}\n`;
}

/** A temporary folder laid out as a user's install: .env, agents_config.json, and what the program writes. */
export class Workspace {
  private constructor(readonly dir: string) {}

  static async create(env: Record<string, string>, agents: unknown): Promise<Workspace> {
    const dir = await fs.mkdtemp(path.join(tmpdir(), "zct-test-"));
    const workspace = new Workspace(dir);
    await workspace.writeEnv(env);
    await fs.writeFile(path.join(dir, "agents_config.json"), JSON.stringify(agents, null, 2));
    return workspace;
  }

  get envFile(): string {
    return path.join(this.dir, ".env");
  }
  get stateFile(): string {
    return path.join(this.dir, "processed_calls.json");
  }
  get logFile(): string {
    return path.join(this.dir, "zoho_processor.log");
  }
  get recordingsDir(): string {
    return path.join(this.dir, "recordings");
  }

  async writeEnv(env: Record<string, string>): Promise<void> {
    await fs.writeFile(this.envFile, toEnvText(env));
  }

  async readState(): Promise<{ version: number; watermark: string | null; calls: Record<string, Record<string, unknown>> }> {
    return JSON.parse(await fs.readFile(this.stateFile, "utf8"));
  }

  async readLog(): Promise<string> {
    return fs.readFile(this.logFile, "utf8").catch(() => "");
  }

  /** Runs the program to its end with the given arguments (default `--once`). */
  run(args: string[] = ["--once"], extraEnv: Record<string, string> = {}, timeoutMs = 60_000): Promise<RunResult> {
    const daemon = this.start(args, extraEnv);
    const timer = setTimeout(() => daemon.child.kill("SIGKILL"), timeoutMs);
    return daemon.exited.finally(() => clearTimeout(timer));
  }

  /** Starts the program in the background. */
  start(args: string[] = [], extraEnv: Record<string, string> = {}): RunningDaemon {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: this.dir,
      env: { PATH: process.env.PATH ?? "", ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<RunResult>((resolve) => {
      child.on("exit", (code, signal) => {
        // Let the pipes drain.
        setImmediate(() => resolve({ code, signal, stdout, stderr }));
      });
    });
    return {
      child,
      output: () => stdout + stderr,
      exited,
      async kill(signal: NodeJS.Signals = "SIGKILL") {
        child.kill(signal);
        return exited;
      },
    };
  }

  async remove(): Promise<void> {
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 20_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
