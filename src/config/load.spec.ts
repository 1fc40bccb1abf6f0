import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InputError } from "../lib/errors.js";
import { accountsUrlFor, loadConfig } from "./load.js";

const AGENTS = { agents: { "09631084471": { name: "Prateek", department: "Customer Success", active: true } }, default_agent: { name: "Support" } };

const REQUIRED = {
  EXOTEL_SID: "acme1",
  EXOTEL_API_KEY: "exo-key-1234567890",
  EXOTEL_API_TOKEN: "exo-token-abcdefghij",
  DEEPGRAM_API_KEY: "dg-key-0987654321",
};

const ZOHO = {
  ZOHO_DESK_ENABLED: "true",
  ZOHO_DESK_ORG_ID: "60001234567",
  ZOHO_DESK_REFRESH_TOKEN: "1000.refresh-secret-value",
  ZOHO_DESK_CLIENT_ID: "1000.CLIENTID",
  ZOHO_DESK_CLIENT_SECRET: "client-secret-value-xyz",
  ZOHO_DESK_DEPARTMENT_ID: "1892000000006907",
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "load-config-"));
  await writeFile(path.join(dir, "agents_config.json"), JSON.stringify(AGENTS));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function problemsOf(environment: NodeJS.ProcessEnv): Promise<InputError> {
  const error = await loadConfig(dir, environment).catch((e: unknown) => e);
  if (!(error instanceof InputError)) throw new Error(`expected an InputError, got ${String(error)}`);
  return error;
}

describe("loadConfig", () => {
  it("fills in every default from the design with only the required variables in a dry run", async () => {
    const { config, agents } = await loadConfig(dir, { ...REQUIRED, ZOHO_DESK_ENABLED: "false" });
    expect(config.zoho).toBeNull();
    expect(config.exotel).toEqual({ accountSid: "acme1", apiKey: REQUIRED.EXOTEL_API_KEY, apiToken: REQUIRED.EXOTEL_API_TOKEN, baseUrl: "https://api.exotel.com", maxRequestsPerMinute: 150 });
    expect(config.deepgram.baseUrl).toBe("https://api.deepgram.com");
    expect(config.openai).toEqual({ apiKey: null, baseUrl: "https://api.openai.com/v1", model: "gpt-4o-mini" });
    expect(config.tickets).toEqual({ departmentId: null, defaultPriority: "Medium", autoCreateContact: true, missedCallTickets: false });
    expect(config.pipeline).toMatchObject({
      pollIntervalSeconds: 60,
      maxConcurrentCalls: 4,
      maxCallAttempts: 5,
      recordingWaitMinutes: 30,
      keepRecordings: false,
      stateRetentionDays: 45,
      firstRunLookbackHours: 24,
    });
    expect(config.files).toEqual({
      envFile: path.join(dir, ".env"),
      agentsFile: path.join(dir, "agents_config.json"),
      stateFile: path.join(dir, "processed_calls.json"),
      recordingsDir: path.join(dir, "recordings"),
      logFile: path.join(dir, "zoho_processor.log"),
    });
    expect(config.logLevel).toBe("info");
    expect(config.phoneCountry).toBe("IN");
    expect(agents.byNumber.get("+919631084471")?.name).toBe("Prateek");
  });

  it("spells the standard priorities as Zoho does and keeps a portal's own as written", async () => {
    const priority = async (value: string) => (await loadConfig(dir, { ...REQUIRED, ...ZOHO, ZOHO_DESK_DEFAULT_PRIORITY: value })).config.tickets.defaultPriority;
    expect(await priority("high")).toBe("High");
    expect(await priority("P1 - Critical")).toBe("P1 - Critical");
  });

  it("names every missing required variable, once each", async () => {
    const error = await problemsOf({ ZOHO_DESK_ENABLED: "false" });
    expect(error.problems.map((p) => [p.field, p.problem])).toEqual([
      ["EXOTEL_SID", "is missing."],
      ["EXOTEL_API_KEY", "is missing."],
      ["EXOTEL_API_TOKEN", "is missing."],
      ["DEEPGRAM_API_KEY", "is missing."],
    ]);
    expect(error.problems[0]!.fix).toContain("Exotel account SID");
    expect(error.message.startsWith("Configuration problems")).toBe(true);
  });

  it("says a required variable set to blank is empty", async () => {
    const error = await problemsOf({ ...REQUIRED, EXOTEL_SID: "   ", ZOHO_DESK_ENABLED: "false" });
    expect(error.problems.map((p) => [p.field, p.problem])).toEqual([["EXOTEL_SID", "is empty."]]);
  });

  it.each([
    ["True", true],
    ["yes", true],
    ["1", true],
    ["ON", true],
    ["false", false],
    ["No", false],
    ["0", false],
    ["off", false],
    ["", false],
  ])("reads MISSED_CALL_TICKETS=%s as %s", async (value, expected) => {
    const { config } = await loadConfig(dir, { ...REQUIRED, ZOHO_DESK_ENABLED: "false", MISSED_CALL_TICKETS: value });
    expect(config.tickets.missedCallTickets).toBe(expected);
  });

  it("refuses a flag that is not true or false, naming the variable and the fix", async () => {
    const error = await problemsOf({ ...REQUIRED, ZOHO_DESK_ENABLED: "false", KEEP_RECORDINGS: "maybe" });
    expect(error.problems).toEqual([{ field: "KEEP_RECORDINGS", problem: '"maybe" is not true or false.', fix: "write true or false." }]);
  });

  it.each([
    ["POLL_INTERVAL_SECONDS", "abc", '"abc" is not a whole number.'],
    ["POLL_INTERVAL_SECONDS", "1.5", '"1.5" is not a whole number.'],
    ["MAX_CONCURRENT_CALLS", "-3", '"-3" is not a whole number.'],
    ["MAX_CONCURRENT_CALLS", "0", "0 is outside 1–64."],
    ["STATE_RETENTION_DAYS", "99999", "99999 is outside 1–3650."],
  ])("refuses %s=%s", async (variable, value, message) => {
    const error = await problemsOf({ ...REQUIRED, ZOHO_DESK_ENABLED: "false", [variable]: value });
    expect(error.problems.map((p) => [p.field, p.problem])).toEqual([[variable, message]]);
  });

  it("reads numbers with surrounding spaces", async () => {
    const { config } = await loadConfig(dir, { ...REQUIRED, ZOHO_DESK_ENABLED: "false", POLL_INTERVAL_SECONDS: " 15 ", RECORDING_WAIT_MINUTES: "0" });
    expect(config.pipeline.pollIntervalSeconds).toBe(15);
    expect(config.pipeline.recordingWaitMinutes).toBe(0);
  });

  it("lists every problem at once, Zoho settings included", async () => {
    const error = await problemsOf({ ...REQUIRED, ...ZOHO, ZOHO_DESK_CLIENT_ID: undefined, POLL_INTERVAL_SECONDS: "x" });
    expect(error.problems.map((p) => p.field)).toEqual(["POLL_INTERVAL_SECONDS", "ZOHO_DESK_CLIENT_ID"]);
  });

  it("lists every problem at once", async () => {
    const error = await problemsOf({ ...REQUIRED, EXOTEL_SID: undefined, ZOHO_DESK_ENABLED: "false", POLL_INTERVAL_SECONDS: "x", LOG_LEVEL: "verbose" });
    expect(error.problems.map((p) => p.field).sort()).toEqual(["EXOTEL_SID", "LOG_LEVEL", "POLL_INTERVAL_SECONDS"]);
  });

  it("reads the log level in any case", async () => {
    const { config } = await loadConfig(dir, { ...REQUIRED, ZOHO_DESK_ENABLED: "false", LOG_LEVEL: "DEBUG" });
    expect(config.logLevel).toBe("debug");
  });

  describe("Zoho Desk settings", () => {
    it("are not needed in a dry run", async () => {
      const { config } = await loadConfig(dir, { ...REQUIRED, ZOHO_DESK_ENABLED: "false" });
      expect(config.zoho).toBeNull();
    });

    it("are each required while ZOHO_DESK_ENABLED is true", async () => {
      const error = await problemsOf({ ...REQUIRED, ZOHO_DESK_ENABLED: "true" });
      expect(error.problems.map((p) => p.field)).toEqual(["ZOHO_DESK_ORG_ID", "ZOHO_DESK_REFRESH_TOKEN", "ZOHO_DESK_CLIENT_ID", "ZOHO_DESK_CLIENT_SECRET", "ZOHO_DESK_DEPARTMENT_ID"]);
      expect(error.problems[0]!.problem).toContain("ZOHO_DESK_ENABLED=false");
    });

    it("give the Desk API and accounts addresses for the default US data centre", async () => {
      const { config } = await loadConfig(dir, { ...REQUIRED, ...ZOHO });
      expect(config.zoho).toMatchObject({
        orgId: "60001234567",
        departmentId: "1892000000006907",
        accessToken: null,
        refreshToken: ZOHO.ZOHO_DESK_REFRESH_TOKEN,
        clientId: ZOHO.ZOHO_DESK_CLIENT_ID,
        clientSecret: ZOHO.ZOHO_DESK_CLIENT_SECRET,
        deskApiUrl: "https://desk.zoho.com/api/v1",
        accountsUrl: "https://accounts.zoho.com",
        maxParallel: 5,
      });
      expect(config.tickets.departmentId).toBe("1892000000006907");
    });

    it.each([
      ["https://desk.zoho.com", "https://accounts.zoho.com"],
      ["https://desk.zoho.in", "https://accounts.zoho.in"],
      ["https://desk.zoho.eu", "https://accounts.zoho.eu"],
      ["https://desk.zoho.com.au", "https://accounts.zoho.com.au"],
      ["https://desk.zoho.jp", "https://accounts.zoho.jp"],
      ["https://desk.zohocloud.ca", "https://accounts.zohocloud.ca"],
      ["desk.zoho.in", "https://accounts.zoho.in"],
      ["https://desk.zoho.in/", "https://accounts.zoho.in"],
    ])("derive the accounts address from ZOHO_DESK_API_DOMAIN=%s", async (domain, accounts) => {
      const { config } = await loadConfig(dir, { ...REQUIRED, ...ZOHO, ZOHO_DESK_API_DOMAIN: domain });
      expect(config.zoho?.accountsUrl).toBe(accounts);
      expect(config.zoho?.deskApiUrl).toBe(`${new URL(domain.startsWith("http") ? domain : `https://${domain}`).origin}/api/v1`);
    });

    it("take ZOHO_ACCOUNTS_URL over the derived address", async () => {
      const { config } = await loadConfig(dir, { ...REQUIRED, ...ZOHO, ZOHO_DESK_API_DOMAIN: "http://127.0.0.1:9100", ZOHO_ACCOUNTS_URL: "http://127.0.0.1:9200/" });
      expect(config.zoho?.deskApiUrl).toBe("http://127.0.0.1:9100/api/v1");
      expect(config.zoho?.accountsUrl).toBe("http://127.0.0.1:9200");
    });

    it("ask for ZOHO_ACCOUNTS_URL when it cannot be derived", async () => {
      const error = await problemsOf({ ...REQUIRED, ...ZOHO, ZOHO_DESK_API_DOMAIN: "http://127.0.0.1:9100" });
      expect(error.problems.map((p) => p.field)).toEqual(["ZOHO_ACCOUNTS_URL"]);
    });

    it("refuse an organisation or department id that is not digits", async () => {
      const error = await problemsOf({ ...REQUIRED, ...ZOHO, ZOHO_DESK_ORG_ID: "acme", ZOHO_DESK_DEPARTMENT_ID: "Support" });
      expect(error.problems.map((p) => [p.field, p.problem])).toEqual([
        ["ZOHO_DESK_ORG_ID", '"acme" is not a numeric id.'],
        ["ZOHO_DESK_DEPARTMENT_ID", '"Support" is not a numeric id.'],
      ]);
    });
  });

  it("takes a service address as an origin only, except OpenAI's base URL", async () => {
    const error = await problemsOf({ ...REQUIRED, ...ZOHO, EXOTEL_API_DOMAIN: "https://api.in.exotel.com/v1/Accounts/acme1", ZOHO_DESK_API_DOMAIN: "desk.zoho.in/" });
    expect(error.problems.map((p) => p.field)).toEqual(["EXOTEL_API_DOMAIN"]);
    expect(error.problems[0]?.problem).toBe("has a path after the host name; give only the start of the address, e.g. https://api.exotel.com.");
    const { config } = await loadConfig(dir, { ...REQUIRED, ...ZOHO, ZOHO_DESK_API_DOMAIN: "desk.zoho.in/", OPENAI_BASE_URL: "http://127.0.0.1:9000/v1/" });
    expect(config.openai.baseUrl).toBe("http://127.0.0.1:9000/v1");
  });

  describe("secrets", () => {
    it("are never echoed in configuration problems", async () => {
      const error = await problemsOf({
        ...REQUIRED,
        ...ZOHO,
        ZOHO_DESK_ORG_ID: undefined,
        ZOHO_DESK_ACCESS_TOKEN: "1000.access-secret-value",
        OPENAI_API_KEY: "sk-openai-secret-value",
        EXOTEL_API_DOMAIN: `https://${REQUIRED.EXOTEL_API_KEY}:${REQUIRED.EXOTEL_API_TOKEN}@api.exotel.com`,
        POLL_INTERVAL_SECONDS: "often",
      });
      expect(error.problems.map((p) => p.field).sort()).toEqual(["EXOTEL_API_DOMAIN", "POLL_INTERVAL_SECONDS", "ZOHO_DESK_ORG_ID"]);
      expect(error.problems.find((p) => p.field === "EXOTEL_API_DOMAIN")?.problem).toBe("must not contain a user name or password.");
      for (const secret of [REQUIRED.EXOTEL_API_KEY, REQUIRED.EXOTEL_API_TOKEN, REQUIRED.DEEPGRAM_API_KEY, ZOHO.ZOHO_DESK_REFRESH_TOKEN, ZOHO.ZOHO_DESK_CLIENT_SECRET, "1000.access-secret-value", "sk-openai-secret-value"]) {
        expect(error.message).not.toContain(secret);
      }
    });

    it("are all listed for the logger to blank", async () => {
      const { config } = await loadConfig(dir, { ...REQUIRED, ...ZOHO, ZOHO_DESK_ACCESS_TOKEN: "1000.access-secret-value", OPENAI_API_KEY: "sk-openai-secret-value" });
      expect([...config.secrets].sort()).toEqual(
        [REQUIRED.EXOTEL_API_KEY, REQUIRED.EXOTEL_API_TOKEN, REQUIRED.DEEPGRAM_API_KEY, "sk-openai-secret-value", "1000.access-secret-value", ZOHO.ZOHO_DESK_REFRESH_TOKEN, ZOHO.ZOHO_DESK_CLIENT_SECRET].sort(),
      );
    });
  });

  describe("the env file", () => {
    it("is read from the working directory", async () => {
      await writeFile(path.join(dir, ".env"), "EXOTEL_SID=acme1\nEXOTEL_API_KEY=k1234\nEXOTEL_API_TOKEN=t1234\nDEEPGRAM_API_KEY=d1234\nZOHO_DESK_ENABLED=false\nPOLL_INTERVAL_SECONDS=90\n");
      const { config } = await loadConfig(dir, {});
      expect(config.exotel.accountSid).toBe("acme1");
      expect(config.pipeline.pollIntervalSeconds).toBe(90);
    });

    it("loses to a variable set in the environment", async () => {
      await writeFile(path.join(dir, ".env"), "EXOTEL_SID=from-file\nPOLL_INTERVAL_SECONDS=90\nZOHO_DESK_ENABLED=true\n");
      const { config } = await loadConfig(dir, { ...REQUIRED, EXOTEL_SID: "from-env", POLL_INTERVAL_SECONDS: "15", ZOHO_DESK_ENABLED: "false" });
      expect(config.exotel.accountSid).toBe("from-env");
      expect(config.pipeline.pollIntervalSeconds).toBe(15);
      expect(config.zoho).toBeNull();
    });

    it("is found where ENV_FILE says", async () => {
      await writeFile(path.join(dir, "settings.env"), "EXOTEL_SID=elsewhere\n");
      const { config } = await loadConfig(dir, { ...REQUIRED, EXOTEL_SID: undefined, ZOHO_DESK_ENABLED: "false", ENV_FILE: "settings.env" });
      expect(config.exotel.accountSid).toBe("elsewhere");
      expect(config.files.envFile).toBe(path.join(dir, "settings.env"));
    });

    it("gets a warning for a variable that looks like a typo", async () => {
      await writeFile(path.join(dir, ".env"), "EXOTEL_APIKEY=oops\n");
      const { config } = await loadConfig(dir, { ...REQUIRED, ZOHO_DESK_ENABLED: "false" });
      expect(config.warnings).toEqual([".env sets EXOTEL_APIKEY, which this program does not use (a typo?). See env.example."]);
    });

    it("stops the program when a line is malformed", async () => {
      await writeFile(path.join(dir, ".env"), "EXOTEL_SID acme1\n");
      const error = await problemsOf({ ...REQUIRED, ZOHO_DESK_ENABLED: "false" });
      expect(error.problems.map((p) => p.field)).toEqual(["line 1"]);
    });
  });

  it("resolves file locations against the working directory", async () => {
    await writeFile(path.join(dir, "team.json"), JSON.stringify(AGENTS));
    const { config } = await loadConfig(dir, { ...REQUIRED, ZOHO_DESK_ENABLED: "false", AGENTS_CONFIG_FILE: "team.json", STATE_FILE: "data/state.json", LOG_FILE: "/var/log/calls.log" });
    expect(config.files.agentsFile).toBe(path.join(dir, "team.json"));
    expect(config.files.stateFile).toBe(path.join(dir, "data", "state.json"));
    expect(config.files.logFile).toBe(path.resolve("/var/log/calls.log"));
  });

  it("stops when agents_config.json is missing, naming the file", async () => {
    await rm(path.join(dir, "agents_config.json"));
    const error = await problemsOf({ ...REQUIRED, ZOHO_DESK_ENABLED: "false" });
    expect(error.file).toBe(path.join(dir, "agents_config.json"));
    expect(error.problems[0]?.problem).toBe("does not exist.");
  });
});

describe("accountsUrlFor", () => {
  it("returns null for an address that is not a Zoho Desk one", () => {
    expect(accountsUrlFor("https://helpdesk.example.com")).toBeNull();
  });
});
