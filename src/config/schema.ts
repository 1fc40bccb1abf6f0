import { z } from "zod";
import { isSupportedPhoneCountry } from "../lib/phone.js";

/**
 * Every environment variable the program reads, with what it expects and how to fix it. The
 * `fix` text goes straight into the start-up error, so it speaks to the person editing `.env`.
 */

const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off"]);

const text = () => z.string().trim().min(1, "is empty");
const flag = (fallback: boolean) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return fallback;
      const word = value.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      ctx.addIssue({ code: "custom", message: `"${value}" is not true or false` });
      return z.NEVER;
    });
const wholeNumber = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return fallback;
      if (!/^\d+$/.test(value)) {
        ctx.addIssue({ code: "custom", message: `"${value}" is not a whole number` });
        return z.NEVER;
      }
      const number = Number(value);
      if (number < min || number > max) {
        ctx.addIssue({ code: "custom", message: `${number} is outside ${min}–${max}` });
        return z.NEVER;
      }
      return number;
    });
/** A service's address: an origin only, or (`withPath`) a base URL such as OpenAI's `…/v1`. */
const origin = (fallback: string, withPath = false) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      const raw = value === undefined || value === "" ? fallback : value;
      const withScheme = /^https?:\/\//i.test(raw) ? raw : `https://${raw}`;
      try {
        const url = new URL(withScheme);
        if (url.username || url.password) {
          ctx.addIssue({ code: "custom", message: "must not contain a user name or password" });
          return z.NEVER;
        }
        if (!withPath && url.pathname.replace(/\/+$/, "") !== "") {
          ctx.addIssue({ code: "custom", message: `has a path after the host name; give only the start of the address, e.g. ${fallback}` });
          return z.NEVER;
        }
        return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
      } catch {
        ctx.addIssue({ code: "custom", message: `"${raw}" is not a web address` });
        return z.NEVER;
      }
    });
const optionalText = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === undefined || value === "" ? null : value));
const digits = () => z.string().trim().regex(/^\d+$/, "must be digits only");

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export const EnvSchema = z.object({
  EXOTEL_SID: text(),
  EXOTEL_API_KEY: text(),
  EXOTEL_API_TOKEN: text(),
  EXOTEL_API_DOMAIN: origin("https://api.exotel.com"),
  EXOTEL_MAX_REQUESTS_PER_MINUTE: wholeNumber(150, 1, 10_000),
  DEEPGRAM_API_KEY: text(),
  DEEPGRAM_API_URL: origin("https://api.deepgram.com"),
  DEEPGRAM_MODEL: optionalText(),
  DEEPGRAM_LANGUAGE: optionalText(),
  DEEPGRAM_MAX_PARALLEL: wholeNumber(5, 1, 100),
  OPENAI_API_KEY: optionalText(),
  OPENAI_BASE_URL: origin("https://api.openai.com/v1", true),
  OPENAI_MODEL: optionalText(),
  ZOHO_DESK_ENABLED: flag(true),
  ZOHO_DESK_ORG_ID: optionalText(),
  ZOHO_DESK_ACCESS_TOKEN: optionalText(),
  ZOHO_DESK_REFRESH_TOKEN: optionalText(),
  ZOHO_DESK_CLIENT_ID: optionalText(),
  ZOHO_DESK_CLIENT_SECRET: optionalText(),
  ZOHO_DESK_DEPARTMENT_ID: optionalText(),
  ZOHO_DESK_API_DOMAIN: origin("https://desk.zoho.com"),
  ZOHO_ACCOUNTS_URL: optionalText(),
  ZOHO_DESK_DEFAULT_PRIORITY: optionalText(),
  ZOHO_DESK_AUTO_CREATE_CONTACT: flag(true),
  ZOHO_DESK_MAX_PARALLEL: wholeNumber(5, 1, 50),
  ZOHO_SEARCH_SETTLE_SECONDS: wholeNumber(30, 0, 3600),
  POLL_INTERVAL_SECONDS: wholeNumber(60, 1, 86_400),
  MAX_CONCURRENT_CALLS: wholeNumber(4, 1, 64),
  MAX_CALL_ATTEMPTS: wholeNumber(5, 1, 1000),
  RECORDING_WAIT_MINUTES: wholeNumber(30, 0, 24 * 60),
  MISSED_CALL_TICKETS: flag(false),
  KEEP_RECORDINGS: flag(false),
  STATE_RETENTION_DAYS: wholeNumber(45, 1, 3650),
  FIRST_RUN_LOOKBACK_HOURS: wholeNumber(24, 0, 24 * 180),
  PHONE_DEFAULT_COUNTRY: optionalText(),
  HTTP_RETRY_BASE_MS: wholeNumber(1000, 1, 60_000),
  ENV_FILE: optionalText(),
  AGENTS_CONFIG_FILE: optionalText(),
  STATE_FILE: optionalText(),
  RECORDINGS_DIR: optionalText(),
  LOG_FILE: optionalText(),
  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return "info" as const;
      if ((LOG_LEVELS as readonly string[]).includes(value)) return value as (typeof LOG_LEVELS)[number];
      ctx.addIssue({ code: "custom", message: `"${value}" is not a log level` });
      return z.NEVER;
    }),
});

export type EnvInput = z.input<typeof EnvSchema>;
export type ParsedEnv = z.output<typeof EnvSchema>;

/** Variables whose values are secrets: never echoed in an error or a log line. */
export const SECRET_VARIABLES = new Set([
  "EXOTEL_API_KEY",
  "EXOTEL_API_TOKEN",
  "DEEPGRAM_API_KEY",
  "OPENAI_API_KEY",
  "ZOHO_DESK_ACCESS_TOKEN",
  "ZOHO_DESK_REFRESH_TOKEN",
  "ZOHO_DESK_CLIENT_SECRET",
]);

/** How to fix each variable, in the words of the person who has to. */
export const FIXES: Record<string, string> = {
  EXOTEL_SID: "set it to your Exotel account SID (Exotel dashboard → Settings → API Settings).",
  EXOTEL_API_KEY: "set it to the API key from Exotel dashboard → Settings → API Settings.",
  EXOTEL_API_TOKEN: "set it to the API token shown beside the API key in Exotel's API Settings.",
  EXOTEL_API_DOMAIN: "use https://api.exotel.com (Singapore) or https://api.in.exotel.com (Mumbai).",
  EXOTEL_MAX_REQUESTS_PER_MINUTE: "use a number of requests per minute below your Exotel limit (200 by default), e.g. 150.",
  DEEPGRAM_API_KEY: "create an API key in the Deepgram console (Settings → API Keys) and paste it here.",
  DEEPGRAM_API_URL: "leave it unset for https://api.deepgram.com, or give a full address such as https://api.in.deepgram.com.",
  DEEPGRAM_MAX_PARALLEL: "use a small number of transcriptions at once, e.g. 5.",
  OPENAI_BASE_URL: "leave it unset for https://api.openai.com/v1, or give a full address ending in /v1.",
  ZOHO_DESK_ENABLED: "write true to create tickets, or false for a dry run that only logs them.",
  ZOHO_DESK_ORG_ID: "set it to your Zoho Desk organization id (Desk → Setup → Developer Space → API → orgId), digits only.",
  ZOHO_DESK_REFRESH_TOKEN: "generate one with a Zoho self client (see README, 'Zoho Desk set-up') and paste it here.",
  ZOHO_DESK_CLIENT_ID: "copy the Client ID of your Zoho API client (api-console.zoho.com).",
  ZOHO_DESK_CLIENT_SECRET: "copy the Client Secret of your Zoho API client (api-console.zoho.com).",
  ZOHO_DESK_DEPARTMENT_ID: "set it to the id of the Desk department tickets go to (see README), digits only.",
  ZOHO_DESK_API_DOMAIN: "use your Desk address, e.g. https://desk.zoho.in for India or https://desk.zoho.com for the US.",
  ZOHO_ACCOUNTS_URL: "leave it unset (it follows ZOHO_DESK_API_DOMAIN) or give e.g. https://accounts.zoho.in.",
  ZOHO_DESK_AUTO_CREATE_CONTACT: "write true or false.",
  ZOHO_DESK_MAX_PARALLEL: "use your Desk edition's concurrent-call limit: 5 (Free), 10 (Express/Standard), 15, 25.",
  ZOHO_SEARCH_SETTLE_SECONDS: "use a number of seconds, e.g. 30.",
  POLL_INTERVAL_SECONDS: "use a number of seconds between polls, e.g. 60.",
  MAX_CONCURRENT_CALLS: "use how many calls to process at once, e.g. 4.",
  MAX_CALL_ATTEMPTS: "use how many times a failing call is tried, e.g. 5.",
  RECORDING_WAIT_MINUTES: "use how many minutes to wait for a recording, e.g. 30.",
  MISSED_CALL_TICKETS: "write true or false.",
  KEEP_RECORDINGS: "write true or false.",
  STATE_RETENTION_DAYS: "use a number of days, e.g. 45.",
  FIRST_RUN_LOOKBACK_HOURS: "use a number of hours, e.g. 24.",
  PHONE_DEFAULT_COUNTRY: "use a two-letter country code such as IN.",
  HTTP_RETRY_BASE_MS: "use a number of milliseconds, e.g. 1000.",
  LOG_LEVEL: "use one of fatal, error, warn, info, debug, trace, silent.",
};

export function checkPhoneCountry(code: string | null): string | null {
  const upper = (code ?? "IN").toUpperCase();
  return isSupportedPhoneCountry(upper) ? upper : null;
}
