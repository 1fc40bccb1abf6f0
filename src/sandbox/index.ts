import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { EmulatedService } from "./core/http-service.js";
import { createDeepgramEmulator, type DeepgramEmulator, type TranscriptScript } from "./deepgram/index.js";
import { createExotelEmulator, type ExotelEmulator, type ExotelEmulatorOptions, type RecordingSeed, type TerminalStatus } from "./exotel/index.js";
import { createOpenAIEmulator, type OpenAIEmulator } from "./openai/index.js";
import { SAMPLE_AGENTS, SAMPLE_CALLS, sampleFilePath, type SampleCall } from "./samples/manifest.js";
import { createZohoEmulators, type ZohoEmulatorOptions, type ZohoEmulators } from "./zoho/index.js";

export type { EmulatedService } from "./core/http-service.js";
export type { Fault, FaultRule } from "./core/faults.js";

/** Latency added to every request of a service, in ms (the benchmark's "realistic" world). */
export interface SandboxLatency {
  exotel?: number;
  /** Recording downloads only, on top of `exotel`. */
  recording?: number;
  deepgram?: number;
  openai?: number;
  /** Zoho Desk and Zoho Accounts. */
  zoho?: number;
}

export interface SandboxOptions {
  latency?: SandboxLatency;
  exotel?: Partial<ExotelEmulatorOptions>;
  zoho?: Partial<ZohoEmulatorOptions>;
  /** Seed the sample calls (the demo's six conversations and a silent one). */
  samples?: boolean;
  now?: () => number;
}

export interface SandboxUrls {
  exotel: string;
  deepgram: string;
  /** The OpenAI base URL, `/v1` included. */
  openai: string;
  zohoAccounts: string;
  /** The Desk origin; its API is under `/api/v1`. */
  zohoDesk: string;
}

/** One call of a scenario, said in the words of a test: who called whom, what was said, what it means. */
export interface SandboxCall {
  sid?: string;
  /** Default inbound: the customer calls the ExoPhone and the agent picks up. */
  direction?: "inbound" | "outbound";
  /** Numbers as Exotel writes them (`09876543210`). */
  customer: string;
  agent: string;
  exoPhone?: string;
  status?: TerminalStatus;
  /** Default: ten minutes ago. */
  startedAt?: Date;
  durationSeconds?: number;
  /**
   * A sample recording, a synthetic one of `sizeBytes`, or none. Default: synthetic, 16 KB.
   * A synthetic recording carries the call SID, which is how the Deepgram emulator knows what was said.
   */
  recording?: { sample: SampleCall } | { syntheticBytes: number } | null;
  /** What Deepgram hears in a synthetic recording; default two generic turns. */
  transcript?: TranscriptScript;
  /** What OpenAI concludes; registered against the transcript's text. */
  analysis?: { concern: string; mood: "Positive" | "Neutral" | "Negative" | "Urgent"; summary: string };
  /** Default 0: the call is settled (recording, agent leg) as soon as it ends. */
  settleDelayMs?: number;
}

export interface SeededCall {
  sid: string;
  recordingUrl: string | null;
}

export interface Sandbox {
  urls: SandboxUrls;
  exotel: ExotelEmulator;
  deepgram: DeepgramEmulator;
  openai: OpenAIEmulator;
  zoho: ZohoEmulators;
  /** Every emulated service, for assertions across all of them (e.g. nothing was called). */
  services(): EmulatedService[];
  seedCall(call: SandboxCall): SeededCall;
  /** The shipped sample calls, started a few minutes apart in the last hour. */
  seedSampleCalls(): SeededCall[];
  /** The environment that points the program at this sandbox (what `.env` would hold). */
  daemonEnv(overrides?: Record<string, string>): Record<string, string>;
  /** An agents_config.json knowing the sample agents. */
  agentsConfig(): { agents: Record<string, { name: string; department: string; active: boolean }> };
  stop(): Promise<void>;
}

const DEFAULT_EXOPHONE = "08047112233";
const DEFAULT_TRANSCRIPT = (seconds: number): TranscriptScript => ({
  durationSeconds: seconds,
  utterances: [
    { speaker: 0, channel: 0, start: 0.5, end: 3.5, text: "Thank you for calling support, how can I help?" },
    { speaker: 1, channel: 0, start: 4, end: 8, text: "Hi, I have a question about my account." },
  ],
});

function sampleTranscript(sample: SampleCall): TranscriptScript {
  if (sample.utterances.length === 0) return "silence";
  return {
    channels: sample.channels,
    durationSeconds: sample.durationSeconds,
    utterances: sample.utterances.map((u) => ({ speaker: u.speaker, channel: u.channel, start: u.start, end: u.end, text: u.text, language: u.language })),
  };
}

/** The longest thing said: distinctive enough to tell one call's transcript from another's. */
function needleOf(script: TranscriptScript): string | null {
  if (script === "silence") return null;
  const longest = [...script.utterances].sort((a, b) => b.text.length - a.text.length)[0];
  return longest?.text ?? null;
}

/**
 * Starts local emulators of Exotel, Deepgram, OpenAI, Zoho Accounts and Zoho Desk on 127.0.0.1
 * (free ports), wired so that a seeded call flows through all of them.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const latency = options.latency ?? {};
  const now = options.now ?? Date.now;
  const exotel = createExotelEmulator({
    settleDelayMs: 0,
    latencyMs: latency.exotel,
    recordingLatencyMs: latency.recording,
    now,
    ...options.exotel,
  });
  const deepgram = createDeepgramEmulator({ latencyMs: latency.deepgram, now });
  const openai = createOpenAIEmulator({ latencyMs: latency.openai, now });
  const zoho = createZohoEmulators({ latencyMs: latency.zoho, now, ...options.zoho });

  await Promise.all([exotel.service.start(), deepgram.service.start(), openai.service.start()]);
  const { accountsUrl, deskUrl } = await zoho.start();
  const urls: SandboxUrls = {
    exotel: exotel.service.url,
    deepgram: deepgram.service.url,
    openai: `${openai.service.url}/v1`,
    zohoAccounts: accountsUrl,
    zohoDesk: deskUrl,
  };

  function seedCall(call: SandboxCall): SeededCall {
    const inbound = (call.direction ?? "inbound") === "inbound";
    const exoPhone = call.exoPhone ?? DEFAULT_EXOPHONE;
    const status = call.status ?? "completed";
    let recording: RecordingSeed | null;
    let script: TranscriptScript | null = null;
    if (call.recording === null || status !== "completed") recording = null;
    else if (call.recording && "sample" in call.recording) {
      recording = { kind: "file", path: sampleFilePath(call.recording.sample.file), contentType: "audio/mpeg" };
      script = call.transcript ?? sampleTranscript(call.recording.sample);
    } else {
      const sizeBytes = call.recording && "syntheticBytes" in call.recording ? call.recording.syntheticBytes : 16 * 1024;
      recording = { kind: "synthetic", sizeBytes };
      script = call.transcript ?? DEFAULT_TRANSCRIPT(call.durationSeconds ?? 120);
    }
    const durationSeconds = call.durationSeconds ?? (call.recording && "sample" in call.recording ? Math.ceil(call.recording.sample.durationSeconds) + 8 : 120);
    const added = exotel.addCall({
      sid: call.sid,
      from: inbound ? call.customer : call.agent,
      to: inbound ? exoPhone : call.customer,
      exoPhone,
      direction: inbound ? "inbound" : "outbound-api",
      status,
      startedAt: call.startedAt ?? new Date(now() - 10 * 60_000),
      durationSeconds,
      settledTo: inbound ? call.agent : undefined,
      settleDelayMs: call.settleDelayMs ?? 0,
      recording,
    });
    if (script && recording) {
      if (recording.kind === "file") deepgram.registerTranscript({ sha256: createHash("sha256").update(readFileSync(recording.path)).digest("hex") }, script);
      else deepgram.registerTranscript({ callSid: added.sid }, script);
      const needle = needleOf(script);
      const analysis = call.analysis ?? (call.recording && "sample" in call.recording ? call.recording.sample.expectedAnalysis : undefined);
      if (needle && analysis) openai.registerAnalysis(needle, { ...analysis });
    }
    return { sid: added.sid, recordingUrl: recording ? added.recordingUrl : null };
  }

  return {
    urls,
    exotel,
    deepgram,
    openai,
    zoho,
    services: () => [exotel.service, deepgram.service, openai.service, zoho.accounts, zoho.desk],
    seedCall,
    seedSampleCalls() {
      const start = now() - 60 * 60_000;
      return SAMPLE_CALLS.map((sample, index) =>
        seedCall({
          direction: sample.direction,
          customer: sample.customerNumber,
          agent: sample.agentNumber,
          startedAt: new Date(start + index * 6 * 60_000),
          recording: { sample },
        }),
      );
    },
    daemonEnv(overrides = {}) {
      return {
        EXOTEL_SID: exotel.accountSid,
        EXOTEL_API_KEY: exotel.apiKey,
        EXOTEL_API_TOKEN: exotel.apiToken,
        EXOTEL_API_DOMAIN: urls.exotel,
        DEEPGRAM_API_KEY: deepgram.apiKey,
        DEEPGRAM_API_URL: urls.deepgram,
        OPENAI_API_KEY: openai.apiKey,
        OPENAI_BASE_URL: urls.openai,
        ZOHO_DESK_ENABLED: "true",
        ZOHO_DESK_ORG_ID: zoho.orgId,
        ZOHO_DESK_DEPARTMENT_ID: zoho.state.desk.departments[0]?.id ?? "",
        ZOHO_DESK_CLIENT_ID: zoho.clientId,
        ZOHO_DESK_CLIENT_SECRET: zoho.clientSecret,
        ZOHO_DESK_REFRESH_TOKEN: zoho.refreshToken,
        ZOHO_DESK_API_DOMAIN: urls.zohoDesk,
        ZOHO_ACCOUNTS_URL: urls.zohoAccounts,
        ...overrides,
      };
    },
    agentsConfig() {
      return { agents: Object.fromEntries(SAMPLE_AGENTS.map((a) => [a.number, { name: a.name, department: a.department, active: true }])) };
    },
    async stop() {
      await Promise.all([exotel.service.stop(), deepgram.service.stop(), openai.service.stop(), zoho.stop()]);
    },
  };
}
