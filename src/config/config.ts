import type { CountryCode } from "libphonenumber-js";
import type { AgentDirectory } from "./agents.js";

/** The whole configuration, parsed once at start and passed to whoever needs a part of it. */
export interface Config {
  files: {
    /** Absolute paths, resolved against the working directory. */
    envFile: string;
    agentsFile: string;
    stateFile: string;
    recordingsDir: string;
    logFile: string;
  };
  exotel: {
    accountSid: string;
    apiKey: string;
    apiToken: string;
    baseUrl: string;
    maxRequestsPerMinute: number;
  };
  deepgram: {
    apiKey: string;
    baseUrl: string;
    model: string;
    language: string;
    maxParallel: number;
  };
  openai: {
    /** Null: no key, so the keyword analysis is used. */
    apiKey: string | null;
    baseUrl: string;
    model: string;
  };
  /** Null when ZOHO_DESK_ENABLED=false: a dry run that logs the tickets it would create. */
  zoho: ZohoConfig | null;
  tickets: {
    departmentId: string | null;
    defaultPriority: string;
    autoCreateContact: boolean;
    missedCallTickets: boolean;
  };
  pipeline: {
    pollIntervalSeconds: number;
    maxConcurrentCalls: number;
    maxCallAttempts: number;
    recordingWaitMinutes: number;
    keepRecordings: boolean;
    stateRetentionDays: number;
    firstRunLookbackHours: number;
    retryBaseMs: number;
  };
  phoneCountry: CountryCode;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Every secret value, so the logger can blank them wherever they turn up. */
  secrets: string[];
  /** Warnings found while parsing (e.g. an unknown variable that looks like a typo). */
  warnings: string[];
}

export interface ZohoConfig {
  orgId: string;
  departmentId: string;
  accessToken: string | null;
  refreshToken: string;
  clientId: string;
  clientSecret: string;
  /** `https://desk.zoho.in/api/v1` */
  deskApiUrl: string;
  /** `https://accounts.zoho.in` */
  accountsUrl: string;
  maxParallel: number;
  searchSettleSeconds: number;
}

export interface LoadedConfig {
  config: Config;
  agents: AgentDirectory;
}
