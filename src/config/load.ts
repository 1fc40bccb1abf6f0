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
  }
  // Checked on the raw values too, so that one start reports every problem, not one batch at a time.
  problems.push(...crossFieldProblems(merged));
  if (!result.success || problems.length > 0) throw new InputError(envFile, problems, configHeadline(envFile, problems.length));
  const config = buildConfig(cwd, envFile, result.data);

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

function isEnabled(raw: string | undefined): boolean {
  return !["false", "0", "no", "off"].includes((raw ?? "").trim().toLowerCase());
}

const present = (raw: string | undefined) => raw !== undefined && raw.trim() !== "";

/** Rules that span variables: Zoho settings are needed only when Zoho is on, ids are digits, a data centre must be known. */
export function crossFieldProblems(raw: Record<string, string | undefined>): InputProblem[] {
  const problems: InputProblem[] = [];
  if (present(raw.PHONE_DEFAULT_COUNTRY) && !checkPhoneCountry(raw.PHONE_DEFAULT_COUNTRY!.trim())) {
    problems.push(problem("PHONE_DEFAULT_COUNTRY", `"${raw.PHONE_DEFAULT_COUNTRY}" is not a country code`));
  }
  if (!isEnabled(raw.ZOHO_DESK_ENABLED)) return problems;
  for (const name of ["ZOHO_DESK_ORG_ID", "ZOHO_DESK_REFRESH_TOKEN", "ZOHO_DESK_CLIENT_ID", "ZOHO_DESK_CLIENT_SECRET", "ZOHO_DESK_DEPARTMENT_ID"]) {
    if (!present(raw[name])) problems.push(problem(name, "is missing (needed while ZOHO_DESK_ENABLED is true; set ZOHO_DESK_ENABLED=false for a dry run)"));
  }
  for (const name of ["ZOHO_DESK_ORG_ID", "ZOHO_DESK_DEPARTMENT_ID"]) {
    const value = raw[name]?.trim();
    if (value && !/^\d+$/.test(value)) problems.push(problem(name, `"${value}" is not a numeric id`));
  }
  if (present(raw.ZOHO_ACCOUNTS_URL)) {
    if (!URL.canParse(raw.ZOHO_ACCOUNTS_URL!.trim())) problems.push(problem("ZOHO_ACCOUNTS_URL", `"${raw.ZOHO_ACCOUNTS_URL}" is not a web address`));
  } else {
    const domain = raw.ZOHO_DESK_API_DOMAIN?.trim() || "https://desk.zoho.com";
    const withScheme = /^https?:\/\//i.test(domain) ? domain : `https://${domain}`;
    if (URL.canParse(withScheme) && !accountsUrlFor(withScheme)) {
      problems.push(problem("ZOHO_ACCOUNTS_URL", `cannot be worked out from ZOHO_DESK_API_DOMAIN=${domain}; set it`));
    }
  }
  return problems;
}

function buildConfig(cwd: string, envFile: string, env: ParsedEnv): Config {
  const resolve = (value: string | null, fallback: string) => path.resolve(cwd, value ?? fallback);
  const zoho: Config["zoho"] = env.ZOHO_DESK_ENABLED
    ? {
        orgId: env.ZOHO_DESK_ORG_ID ?? "",
        departmentId: env.ZOHO_DESK_DEPARTMENT_ID ?? "",
        accessToken: env.ZOHO_DESK_ACCESS_TOKEN,
        refreshToken: env.ZOHO_DESK_REFRESH_TOKEN ?? "",
        clientId: env.ZOHO_DESK_CLIENT_ID ?? "",
        clientSecret: env.ZOHO_DESK_CLIENT_SECRET ?? "",
        deskApiUrl: `${env.ZOHO_DESK_API_DOMAIN}/api/v1`,
        accountsUrl: env.ZOHO_ACCOUNTS_URL ? new URL(env.ZOHO_ACCOUNTS_URL).origin : (accountsUrlFor(env.ZOHO_DESK_API_DOMAIN) ?? ""),
        maxParallel: env.ZOHO_DESK_MAX_PARALLEL,
        searchSettleSeconds: env.ZOHO_SEARCH_SETTLE_SECONDS,
      }
    : null;

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
      defaultPriority: standardPriority(env.ZOHO_DESK_DEFAULT_PRIORITY ?? "Medium"),
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
    phoneCountry: (checkPhoneCountry(env.PHONE_DEFAULT_COUNTRY) ?? "IN") as CountryCode,
    logLevel: env.LOG_LEVEL,
    secrets,
    warnings: [],
  };
}

/**
 * Zoho's priority picklist is case-sensitive and a portal may add its own values, so any value is
 * taken as written, except that the standard ones are spelt as Zoho spells them ("high" → "High").
 */
function standardPriority(value: string): string {
  return ["Low", "Medium", "High", "Urgent"].find((p) => p.toLowerCase() === value.toLowerCase()) ?? value;
}
