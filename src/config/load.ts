import path from "node:path";
import type { CountryCode } from "libphonenumber-js";
import { InputError, type InputProblem } from "../lib/errors.js";
import { loadAgentDirectory } from "./agents.js";
import type { Config, LoadedConfig } from "./config.js";
import { readEnvFile } from "./env-file.js";
import { checkPhoneCountry, EnvSchema, FIXES, SECRET_VARIABLES, type ParsedEnv } from "./schema.js";

const KNOWN_PREFIXES = /^(EXOTEL|DEEPGRAM|OPENAI|ZOHO)_/;
/** Variables the OpenAI SDK itself understands; not typos even though we do not read them. */
const SDK_VARIABLES = new Set(["OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_LOG"]);

/** `desk.zoho.in` → `https://accounts.zoho.in`; `desk.zohocloud.ca` → `https://accounts.zohocloud.ca`. */
export function accountsUrlFor(deskDomain: string): string | null {
  const host = new URL(deskDomain).hostname.toLowerCase();
  const match = /^desk\.(zoho(?:cloud)?\.[a-z.]+)$/.exec(host);
  return match ? `https://accounts.${match[1]}` : null;
}

function problem(variable: string, text: string): InputProblem {
  return { field: variable, problem: text.endsWith(".") ? text : `${text}.`, fix: FIXES[variable] ?? "see env.example." };
}

/**
 * Builds the configuration from the environment and the env file (a variable set in the
 * environment wins), or throws one InputError listing every problem.
 */
export async function loadConfig(cwd: string, environment: NodeJS.ProcessEnv): Promise<LoadedConfig> {
  const envFile = path.resolve(cwd, environment.ENV_FILE?.trim() || ".env");
  const fromFile = (await readEnvFile(envFile)) ?? {};
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [name, value] of Object.entries(environment)) if (value !== undefined) merged[name] = value;

  const result = EnvSchema.safeParse(merged);
  const problems: InputProblem[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) {
      const variable = String(issue.path[0] ?? "?");
      const missing = issue.code === "invalid_type" && merged[variable] === undefined;
      const message = missing ? "is missing" : SECRET_VARIABLES.has(variable) ? issue.message.replace(/"[^"]*"/g, "the value") : issue.message;
      problems.push(problem(variable, message));
    }
    throw new InputError(envFile, problems, configHeadline(envFile, problems.length));
  }
  const env = result.data;
  const config = buildConfig(cwd, envFile, env, problems);
  if (problems.length > 0) throw new InputError(envFile, problems, configHeadline(envFile, problems.length));

  for (const name of Object.keys(fromFile)) {
    if (KNOWN_PREFIXES.test(name) && !(name in EnvSchema.shape) && !SDK_VARIABLES.has(name)) {
      config.warnings.push(`${path.basename(envFile)} sets ${name}, which this program does not use (a typo?). See env.example.`);
    }
  }
  const agents = await loadAgentDirectory(config.files.agentsFile, config.phoneCountry);
  return { config, agents };
}

function configHeadline(envFile: string, count: number): string {
  return `Configuration problem${count === 1 ? "" : "s"} (settings come from ${envFile} and the environment); the program did not start:`;
}

function buildConfig(cwd: string, envFile: string, env: ParsedEnv, problems: InputProblem[]): Config {
  const resolve = (value: string | null, fallback: string) => path.resolve(cwd, value ?? fallback);
  const country = checkPhoneCountry(env.PHONE_DEFAULT_COUNTRY);
  if (!country) problems.push(problem("PHONE_DEFAULT_COUNTRY", `"${env.PHONE_DEFAULT_COUNTRY}" is not a country code`));

  let zoho: Config["zoho"] = null;
  if (env.ZOHO_DESK_ENABLED) {
    const required = ["ZOHO_DESK_ORG_ID", "ZOHO_DESK_REFRESH_TOKEN", "ZOHO_DESK_CLIENT_ID", "ZOHO_DESK_CLIENT_SECRET", "ZOHO_DESK_DEPARTMENT_ID"] as const;
    for (const name of required) {
      if (env[name] === null) problems.push(problem(name, "is missing (needed while ZOHO_DESK_ENABLED is true; set ZOHO_DESK_ENABLED=false for a dry run)"));
    }
    for (const name of ["ZOHO_DESK_ORG_ID", "ZOHO_DESK_DEPARTMENT_ID"] as const) {
      const value = env[name];
      if (value !== null && !/^\d+$/.test(value)) problems.push(problem(name, `"${value}" is not a numeric id`));
    }
    let accountsUrl = env.ZOHO_ACCOUNTS_URL ? env.ZOHO_ACCOUNTS_URL.replace(/\/+$/, "") : accountsUrlFor(env.ZOHO_DESK_API_DOMAIN);
    if (env.ZOHO_ACCOUNTS_URL) {
      try {
        accountsUrl = new URL(env.ZOHO_ACCOUNTS_URL).origin;
      } catch {
        problems.push(problem("ZOHO_ACCOUNTS_URL", `"${env.ZOHO_ACCOUNTS_URL}" is not a web address`));
      }
    } else if (!accountsUrl) {
      problems.push(problem("ZOHO_ACCOUNTS_URL", `cannot be worked out from ZOHO_DESK_API_DOMAIN=${env.ZOHO_DESK_API_DOMAIN}`));
    }
    zoho = {
      orgId: env.ZOHO_DESK_ORG_ID ?? "",
      departmentId: env.ZOHO_DESK_DEPARTMENT_ID ?? "",
      accessToken: env.ZOHO_DESK_ACCESS_TOKEN,
      refreshToken: env.ZOHO_DESK_REFRESH_TOKEN ?? "",
      clientId: env.ZOHO_DESK_CLIENT_ID ?? "",
      clientSecret: env.ZOHO_DESK_CLIENT_SECRET ?? "",
      deskApiUrl: `${env.ZOHO_DESK_API_DOMAIN.replace(/\/api\/v1$/, "")}/api/v1`,
      accountsUrl: accountsUrl ?? "",
      maxParallel: env.ZOHO_DESK_MAX_PARALLEL,
      searchSettleSeconds: env.ZOHO_SEARCH_SETTLE_SECONDS,
      persistAccessToken: true,
    };
  }

  const secrets = [
    env.EXOTEL_API_KEY,
    env.EXOTEL_API_TOKEN,
    env.DEEPGRAM_API_KEY,
    env.OPENAI_API_KEY,
    env.ZOHO_DESK_ACCESS_TOKEN,
    env.ZOHO_DESK_REFRESH_TOKEN,
    env.ZOHO_DESK_CLIENT_SECRET,
  ].filter((s): s is string => typeof s === "string" && s.length >= 4);

  return {
    files: {
      envFile,
      agentsFile: resolve(env.AGENTS_CONFIG_FILE, "agents_config.json"),
      stateFile: resolve(env.STATE_FILE, "processed_calls.json"),
      recordingsDir: resolve(env.RECORDINGS_DIR, "recordings"),
      logFile: resolve(env.LOG_FILE, "zoho_processor.log"),
    },
    exotel: {
      accountSid: env.EXOTEL_SID,
      apiKey: env.EXOTEL_API_KEY,
      apiToken: env.EXOTEL_API_TOKEN,
      baseUrl: env.EXOTEL_API_DOMAIN,
      maxRequestsPerMinute: env.EXOTEL_MAX_REQUESTS_PER_MINUTE,
    },
    deepgram: {
      apiKey: env.DEEPGRAM_API_KEY,
      baseUrl: env.DEEPGRAM_API_URL,
      model: env.DEEPGRAM_MODEL ?? "nova-3",
      language: env.DEEPGRAM_LANGUAGE ?? "multi",
      maxParallel: env.DEEPGRAM_MAX_PARALLEL,
    },
    openai: {
      apiKey: env.OPENAI_API_KEY,
      baseUrl: env.OPENAI_BASE_URL,
      model: env.OPENAI_MODEL ?? "gpt-4o-mini",
    },
    zoho,
    tickets: {
      departmentId: env.ZOHO_DESK_DEPARTMENT_ID,
      defaultPriority: env.ZOHO_DESK_DEFAULT_PRIORITY ?? "Medium",
      autoCreateContact: env.ZOHO_DESK_AUTO_CREATE_CONTACT,
      missedCallTickets: env.MISSED_CALL_TICKETS,
    },
    pipeline: {
      pollIntervalSeconds: env.POLL_INTERVAL_SECONDS,
      maxConcurrentCalls: env.MAX_CONCURRENT_CALLS,
      maxCallAttempts: env.MAX_CALL_ATTEMPTS,
      recordingWaitMinutes: env.RECORDING_WAIT_MINUTES,
      keepRecordings: env.KEEP_RECORDINGS,
      stateRetentionDays: env.STATE_RETENTION_DAYS,
      firstRunLookbackHours: env.FIRST_RUN_LOOKBACK_HOURS,
      retryBaseMs: env.HTTP_RETRY_BASE_MS,
    },
    phoneCountry: (country ?? "IN") as CountryCode,
    logLevel: env.LOG_LEVEL,
    secrets,
    warnings: [],
  };
}
