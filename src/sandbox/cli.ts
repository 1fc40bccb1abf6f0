import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Fault, FaultRule } from "./core/faults.js";
import { startSandbox, type Sandbox, type SandboxCall } from "./index.js";
import { sampleCall } from "./samples/manifest.js";

/**
 * `npm run sandbox`: the emulators on their own, for trying the program by hand. Prints the
 * settings that point the program at them, and serves a small control API:
 *   GET  /desk                    tickets (with their comments) and contacts the desk holds
 *   GET  /requests?service=NAME   what a service received (method, path, status)
 *   POST /calls                   seed a call: {"customer","agent","direction"?,"sample"?: "<sample id>", …}
 *   POST /faults/NAME             add a fault rule: {"fault": {"kind": "status", "status": 500}, "times": 2, "match": {"path": "/api/v1/tickets"}}
 * Services: exotel, deepgram, openai, zoho-accounts, zoho-desk.
 */

function serviceByName(sandbox: Sandbox, name: string) {
  return sandbox.services().find((s) => s.name === name || s.name.replace(/\s+/g, "-").toLowerCase() === name);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text.trim() === "" ? {} : JSON.parse(text);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}

async function control(sandbox: Sandbox, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://control.invalid");
  if (req.method === "GET" && url.pathname === "/desk") {
    const tickets = sandbox.zoho.tickets().map((t) => ({ ...t, comments: sandbox.zoho.comments(t.id) }));
    return send(res, 200, { tickets, contacts: sandbox.zoho.contacts() });
  }
  if (req.method === "GET" && url.pathname === "/requests") {
    const service = serviceByName(sandbox, url.searchParams.get("service") ?? "");
    if (!service) return send(res, 404, { error: "unknown service" });
    return send(res, 200, service.requests.map((r) => ({ id: r.id, method: r.method, path: r.path, query: r.rawQuery, status: r.responseStatus })));
  }
  if (req.method === "POST" && url.pathname === "/calls") {
    const body = (await readJson(req)) as SandboxCall & { sample?: string; startedAt?: string };
    const { sample, startedAt, ...call } = body;
    const seeded = sandbox.seedCall({
      ...call,
      startedAt: startedAt ? new Date(startedAt) : undefined,
      recording: sample ? { sample: sampleCall(sample) } : call.recording,
    });
    return send(res, 201, seeded);
  }
  const fault = /^\/faults\/([\w-]+)$/.exec(url.pathname);
  if (req.method === "POST" && fault) {
    const service = serviceByName(sandbox, fault[1]!);
    if (!service) return send(res, 404, { error: "unknown service" });
    const rule = (await readJson(req)) as { fault: Fault; times?: number; match?: { method?: string; path?: string; pathPattern?: string } };
    const match = rule.match ? { method: rule.match.method, path: rule.match.pathPattern ? new RegExp(rule.match.pathPattern) : rule.match.path } : undefined;
    service.faults.add({ fault: rule.fault, times: rule.times, match } satisfies FaultRule);
    return send(res, 201, { added: true });
  }
  return send(res, 404, { error: "unknown control route" });
}

async function main(): Promise<void> {
  const withSamples = !process.argv.includes("--empty");
  const sandbox = await startSandbox();
  if (withSamples) sandbox.seedSampleCalls();
  const server = createServer((req, res) => {
    control(sandbox, req, res).catch((error: unknown) => send(res, 400, { error: error instanceof Error ? error.message : String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const controlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = Object.entries(sandbox.daemonEnv())
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
  process.stdout.write(
    `Sandbox running${withSamples ? " with the sample calls" : ""}. Put these lines in a .env (and the sample agents in agents_config.json):\n\n${env}\n\n` +
      `agents_config.json:\n${JSON.stringify(sandbox.agentsConfig(), null, 2)}\n\n` +
      `Control API: ${controlUrl}/desk, ${controlUrl}/requests?service=zoho-desk, POST ${controlUrl}/calls, POST ${controlUrl}/faults/<service>\n` +
      `Press Ctrl+C to stop.\n`,
  );
  const stop = () => {
    server.close();
    void sandbox.stop().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
