import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeskTestClient } from "./desk-test-client.js";
import { createZohoEmulators, type ZohoEmulators } from "./index.js";

describe("Zoho Desk emulator: organization, departments and agents", () => {
  let zoho: ZohoEmulators;
  let desk: DeskTestClient;

  beforeAll(async () => {
    zoho = createZohoEmulators({
      orgId: "3981311",
      portalName: "zylker",
      departments: [
        { id: "1892000000082069", name: "Support" },
        { id: "1892000000082070", name: "Old Support", isEnabled: false },
      ],
      agents: [
        { id: "1892000000042001", firstName: "API", lastName: "User", emailId: "bot@zylker.test" },
        { id: "1892000000042002", firstName: "Case", lastName: "Worker", emailId: "case@zylker.test", departmentIds: ["1892000000082069"] },
        { id: "1892000000042003", lastName: "Gone", emailId: "gone@zylker.test", status: "DISABLED" },
      ],
    });
    await zoho.start();
    desk = new DeskTestClient(zoho);
  });
  afterAll(() => zoho.stop());

  it("lists the organization", async () => {
    const { status, json } = await desk.get("/organizations", { orgId: null });
    expect(status).toBe(200);
    expect(json).toEqual({
      data: [
        {
          id: "3981311",
          companyName: "Acme Support",
          portalName: "zylker",
          portalURL: "https://desk.zoho.com/support/zylker",
          edition: "PROFESSIONAL",
          isDefault: true,
          isAdminInOrg: true,
          isPayloadEncryptionEnabled: false,
          alias: null,
          currencyLocale: "en_IN",
          logoURL: null,
        },
      ],
    });
  });

  it("lists departments, filtered by isEnabled, the first being the default", async () => {
    const all = await desk.get("/departments", { query: { limit: "200" } });
    expect(all.json.data.map((d: { name: string; isDefault: boolean }) => [d.name, d.isDefault])).toEqual([
      ["Support", true],
      ["Old Support", false],
    ]);
    const enabled = await desk.get("/departments", { query: { isEnabled: "true", limit: "200" } });
    expect(enabled.json.data.map((d: { id: string }) => d.id)).toEqual(["1892000000082069"]);
    expect((await desk.get("/departments", { query: { limit: "201" } })).status).toBe(422);
    expect((await desk.get("/departments/1892000000082070")).json).toMatchObject({ name: "Old Support", isEnabled: false });
  });

  it("lists agents by status and department", async () => {
    const active = await desk.get("/agents", { query: { status: "ACTIVE", limit: "200" } });
    expect(active.json.data.map((a: { emailId: string }) => a.emailId)).toEqual(["bot@zylker.test", "case@zylker.test"]);
    const inSupport = await desk.get("/agents", { query: { departmentIds: "1892000000082070" } });
    expect(inSupport.json.data.map((a: { id: string }) => a.id)).toEqual(["1892000000042001", "1892000000042003"]);
  });

  it("finds an agent by email, ignoring case, and answers 404 for an unknown one", async () => {
    const { status, json } = await desk.get(`/agents/email/${encodeURIComponent("Case@Zylker.test")}`);
    expect(status).toBe(200);
    expect(json).toMatchObject({ id: "1892000000042002", name: "Case Worker", emailId: "case@zylker.test", status: "ACTIVE", associatedDepartmentIds: ["1892000000082069"] });
    const missing = await desk.get("/agents/email/nobody%40zylker.test");
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ errorCode: "URL_NOT_FOUND", message: "The URL you requested could not be found." });
  });

  it("tells the API user through /myinfo", async () => {
    expect((await desk.get("/myinfo")).json).toMatchObject({ id: "1892000000042001", emailId: "bot@zylker.test" });
  });
});
