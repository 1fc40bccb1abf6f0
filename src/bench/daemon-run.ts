import { spawn, type ChildProcess } from "node:child_process";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { pollLines, resourceLine, type PollLine, type ResourceLine } from "./daemon-log.js";
import { PROGRAM_NODE_FLAGS } from "./program-flags.js";

/** The built program, run as users run it, in its own process so its CPU and memory are its own. */
const CLI = fileURLToPath(new URL("../cli.js", import.meta.url));

export interface DaemonFolder {
  dir: string;
  stateFile: string;
  logFile: string;
  remove(): Promise<void>;
}

/** A temporary install: `.env` from the sandbox's settings and an agents_config.json. */
export async function daemonFolder(env: Record<string, string>, agents: unknown): Promise<DaemonFolder> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), "zct-bench-"));
  const text = Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
  await fs.writeFile(path.join(dir, ".env"), `${text}\n`);
  await fs.writeFile(path.join(dir, "agents_config.json"), `${JSON.stringify(agents, null, 2)}\n`);
  return {
    dir,
    stateFile: path.join(dir, "processed_calls.json"),
    logFile: path.join(dir, "zoho_processor.log"),
    remove: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

export interface DaemonResult {
  code: number | null;
  wallMs: number;
  polls: PollLine[];
  resources: ResourceLine | null;
  log: string;
}

export interface RunningDaemon {
  child: ChildProcess;
  /** The log so far. */
  log(): Promise<string>;
  /** Resolves once `done(log)` holds; rejects if the program exits first or `timeoutMs` passes. */
  waitFor(done: (log: string) => boolean, what: string, timeoutMs: number): Promise<void>;
  /** Waits for the exit and reads the log. */
  exited: Promise<DaemonResult>;
}

/** Starts `node <npm start's flags> dist/cli.js <args>` in the folder; `nodeArgs` add e.g. `--cpu-prof` for a profile. */
export function startDaemon(folder: DaemonFolder, args: string[], nodeArgs: string[] = []): RunningDaemon {
  const started = performance.now();
  const child = spawn(process.execPath, [...PROGRAM_NODE_FLAGS, ...nodeArgs, CLI, ...args], {
    cwd: folder.dir,
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const readLog = () => fs.readFile(folder.logFile, "utf8").catch(() => "");
  const exited = new Promise<DaemonResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      const wallMs = performance.now() - started;
      void readLog().then((log) => {
        const all = stderr ? `${log}\n${stderr}` : log;
        resolve({ code, wallMs, polls: pollLines(all), resources: resourceLine(all), log: all });
      }, reject);
    });
  });
  const waitFor = async (done: (log: string) => boolean, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (let log = await readLog(); !done(log); log = await readLog()) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the program did not ${what}:\n${log.slice(-2000)}`);
      await sleep(100);
    }
  };
  return { child, log: readLog, waitFor, exited };
}
