import { get } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { EmulatedService } from "./http-service.js";

let service: EmulatedService | null = null;
afterEach(async () => {
  await service?.stop();
  service = null;
});

async function startCounting(): Promise<{ service: EmulatedService; handled: () => number }> {
  let count = 0;
  const started = new EmulatedService("test", () => {
    count += 1;
    return { status: 200, headers: { "content-type": "application/octet-stream" }, body: Buffer.alloc(1000, 7) };
  });
  await started.start();
  service = started;
  return { service: started, handled: () => count };
}

/** GETs `path`, collecting what arrives before the answer ends or breaks off. */
function fetchRaw(url: string): Promise<{ status: number; headers: Record<string, unknown>; received: Buffer; broken: boolean }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const chunks: Buffer[] = [];
      let broken = false;
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("aborted", () => (broken = true));
      res.on("error", () => (broken = true));
      res.on("close", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, received: Buffer.concat(chunks), broken: broken || !res.complete }));
    }).on("error", reject);
  });
}

describe("EmulatedService faults", () => {
  it("commit-then-malformed handles the request, then answers 200 with a body that is not JSON", async () => {
    const { service, handled } = await startCounting();
    service.faults.add({ fault: { kind: "commit-then-malformed" } });
    const answer = await fetchRaw(`${service.url}/thing`);
    expect(handled()).toBe(1);
    expect(answer.status).toBe(200);
    expect(() => JSON.parse(answer.received.toString())).toThrow();
    expect(service.requests[0]!.responseStatus).toBe(200);
  });

  it("truncate sends the announced length but only the first bytes, then breaks off", async () => {
    const { service, handled } = await startCounting();
    service.faults.add({ fault: { kind: "truncate", bytes: 300 } });
    const answer = await fetchRaw(`${service.url}/thing`);
    expect(handled()).toBe(1);
    expect(answer.status).toBe(200);
    expect(answer.headers["content-length"]).toBe("1000");
    expect(answer.received.length).toBe(300);
    expect(answer.broken).toBe(true);

    const whole = await fetchRaw(`${service.url}/thing`);
    expect(whole.received.length).toBe(1000);
    expect(whole.broken).toBe(false);
  });
});
