import { promises as fs } from "node:fs";
import type { CountryCode } from "libphonenumber-js";
import { z } from "zod";
import type { Agent } from "../domain/call.js";
import { InputError, type InputProblem } from "../lib/errors.js";
import { parseJsonFile } from "../lib/json-file.js";
import { isValidPhone, phoneKey } from "../lib/phone.js";

const optionalId = z
  .union([z.string().trim(), z.number().int()])
  .optional()
  .nullable()
  .transform((v) => (v === undefined || v === null || v === "" ? null : String(v)));

/** Unknown keys are kept out of the way, not rejected: the predecessor's files carry extras. */
const AgentEntry = z.looseObject({
  name: z.string().trim().min(1, "must be a non-empty name"),
  department: z.string().trim().optional().nullable(),
  active: z.boolean().optional().default(true),
  zohoAgentId: optionalId,
  zohoAgentEmail: z.string().trim().email("must be an email address").optional().nullable(),
  zohoDepartmentId: optionalId,
});

const AgentsFile = z.looseObject({
  agents: z.record(z.string(), AgentEntry).default({}),
  default_agent: AgentEntry.omit({ active: true }).optional().nullable(),
  settings: z.looseObject({ fallback_to_default: z.boolean().optional() }).optional().nullable(),
});

export interface AgentDirectory {
  /** Agents by the matching key of their number (E.164, or a lower-cased SIP URI). */
  byNumber: Map<string, Agent>;
  defaultAgent: Agent | null;
  fallbackToDefault: boolean;
}

function toAgent(entry: z.output<typeof AgentEntry> | z.output<typeof AgentsFile>["default_agent"]): Agent {
  const e = entry as z.output<typeof AgentEntry>;
  return {
    name: e.name,
    department: e.department ?? null,
    active: e.active ?? true,
    zohoAgentId: e.zohoAgentId ?? null,
    zohoAgentEmail: e.zohoAgentEmail ?? null,
    zohoDepartmentId: e.zohoDepartmentId ?? null,
  };
}

const FIX_BY_FIELD: Record<string, string> = {
  name: 'give the agent a name, e.g. "name": "Prateek".',
  active: "write true or false without quotes.",
  zohoAgentEmail: "write the agent's Zoho Desk login email, or remove the field.",
  fallback_to_default: "write true or false without quotes.",
};

export function parseAgentDirectory(file: string, data: unknown, country: CountryCode): AgentDirectory {
  const parsed = AgentsFile.safeParse(data);
  if (!parsed.success) {
    const problems: InputProblem[] = parsed.error.issues.map((issue) => {
      // agents["0963…"].name reads better than agents.0963….name
      const field = issue.path
        .map((p, i) => (typeof p === "number" ? `[${p}]` : issue.path[i - 1] === "agents" ? `["${String(p)}"]` : `.${String(p)}`))
        .join("")
        .replace(/^\./, "");
      const last = String(issue.path.at(-1) ?? "");
      return {
        field: field || "(top level)",
        problem: `${issue.message}.`,
        fix: FIX_BY_FIELD[last] ?? 'follow the example in README ("agents_config.json").',
      };
    });
    throw new InputError(file, problems);
  }
  const byNumber = new Map<string, Agent>();
  const seen = new Map<string, string>();
  const problems: InputProblem[] = [];
  for (const [number, entry] of Object.entries(parsed.data.agents)) {
    const key = phoneKey(number, country);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.push({
        field: `agents["${number}"]`,
        problem: `is the same number as agents["${earlier}"].`,
        fix: "keep one entry per agent number.",
      });
      continue;
    }
    if (!/^sips?:/i.test(number.trim()) && !isValidPhone(number, country)) {
      problems.push({
        field: `agents["${number}"]`,
        problem: "is not a phone number (wrong number of digits?) or a SIP address, so no call would ever match it.",
        fix: 'use the agent\'s number as the key, e.g. "09631084471" or "+919631084471".',
      });
      continue;
    }
    seen.set(key, number);
    byNumber.set(key, toAgent(entry));
  }
  if (problems.length > 0) throw new InputError(file, problems);
  const defaultAgent = parsed.data.default_agent ? toAgent(parsed.data.default_agent) : null;
  const fallbackToDefault = parsed.data.settings?.fallback_to_default === true;
  if (fallbackToDefault && !defaultAgent) {
    throw new InputError(file, [
      {
        field: "settings.fallback_to_default",
        problem: "is true but there is no default_agent.",
        fix: 'add "default_agent": { "name": "Support" } or set fallback_to_default to false.',
      },
    ]);
  }
  return { byNumber, defaultAgent, fallbackToDefault };
}

export async function loadAgentDirectory(file: string, country: CountryCode): Promise<AgentDirectory> {
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new InputError(file, [
      {
        field: "file",
        problem: missing ? "does not exist." : `cannot be read (${(error as Error).message}).`,
        fix: missing
          ? "create it (copy the agents_config.json that ships with the program) and list your agents' numbers."
          : "check the file's permissions.",
      },
    ]);
  }
  return parseAgentDirectory(file, parseJsonFile(file, text), country);
}
