import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { RECORDINGS } from "./recordings.js";

/**
 * The sample call recordings that ship with the sandbox: short synthetic support calls (English
 * and Hinglish) rendered to MP3 by generate.sh, with what was said when, who took the call and
 * what a good analysis of it concludes. They feed the sandbox emulators, the tests and the demo.
 */

export type SampleMood = "Positive" | "Neutral" | "Negative" | "Urgent";

export interface SampleAgent {
  /** National form, as Exotel writes it and agents_config.json keys it. */
  readonly number: string;
  readonly name: string;
  readonly department: string;
}

export interface SampleUtterance {
  /**
   * Diarisation label: 0 for whoever speaks first in the call, 1 for the other party (on an
   * outbound call the customer usually answers first).
   */
  readonly speaker: 0 | 1;
  /**
   * The audio channel the voice is on: on dual-channel recordings 0 (left) is the agent and 1
   * (right) the customer; on mono recordings it is always 0.
   */
  readonly channel: 0 | 1;
  readonly role: "agent" | "customer";
  /** Seconds from the start of the recording. */
  readonly start: number;
  readonly end: number;
  /** What a transcript shows; Hinglish lines are romanised. */
  readonly text: string;
  /** `hi` for Hinglish (Hindi mixed with English), `en` for English. */
  readonly language: "en" | "hi";
}

export interface SampleAnalysis {
  /** The customer's concern in a few words. */
  readonly concern: string;
  readonly mood: SampleMood;
  /** One sentence. (For a call without speech the pipeline itself stores no summary.) */
  readonly summary: string;
}

export interface SampleCall {
  readonly id: string;
  /** A one-line description for people. */
  readonly title: string;
  /** File name in src/sandbox/samples; see sampleFilePath. */
  readonly file: string;
  /** 2 for dual-channel recordings (agent left, customer right), 1 for mono. */
  readonly channels: 1 | 2;
  readonly sampleRateHz: number;
  /** As `soxi -D` measures the MP3. */
  readonly durationSeconds: number;
  readonly direction: "inbound" | "outbound";
  /** Fake, but a well-formed Indian mobile number in national form. */
  readonly customerNumber: string;
  /** One of SAMPLE_AGENTS. */
  readonly agentNumber: string;
  readonly expectedAnalysis: SampleAnalysis;
  /** In time order; empty when nobody speaks in the recording. */
  readonly utterances: readonly SampleUtterance[];
}

/** The agents who take the sample calls; the same numbers as the sample agents_config.json. */
export const SAMPLE_AGENTS: readonly SampleAgent[] = deepFreeze([
  { number: "09631084471", name: "Prateek", department: "Customer Success" },
  { number: "09845012345", name: "Ananya", department: "Billing" },
]);

export const SAMPLE_CALLS: readonly SampleCall[] = deepFreeze(RECORDINGS);

export function sampleCall(id: string): SampleCall {
  const call = SAMPLE_CALLS.find((c) => c.id === id);
  if (!call) throw new Error(`No sample call "${id}"; there are ${SAMPLE_CALLS.map((c) => c.id).join(", ")}`);
  return call;
}

export function sampleAgent(number: string): SampleAgent {
  const agent = SAMPLE_AGENTS.find((a) => a.number === number);
  if (!agent) throw new Error(`No sample agent with number ${number}`);
  return agent;
}

const SAMPLES_FROM_ROOT = join("src", "sandbox", "samples");
let samplesDir: string | undefined;

/**
 * The folder holding the recordings. The build does not copy them, so from both
 * src/sandbox/samples (tests run the TypeScript) and dist/sandbox/samples (compiled) this walks
 * up to the project's root, the first folder with a package.json and src/sandbox/samples in it.
 */
function findSamplesDir(): string {
  if (samplesDir) return samplesDir;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, SAMPLES_FROM_ROOT);
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) {
      samplesDir = candidate;
      return candidate;
    }
    if (dirname(dir) === dir) throw new Error(`Cannot find ${SAMPLES_FROM_ROOT} above ${start}`);
  }
}

/** The absolute path of a sample recording, given its file name (e.g. `SAMPLE_CALLS[0].file`). */
export function sampleFilePath(file: string): string {
  if (!/^[A-Za-z0-9][\w.-]*$/.test(file)) {
    throw new Error(`Not a sample file name: "${file}"`);
  }
  return join(findSamplesDir(), file);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
