import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { openSignedIn } from "./support/admin-center-sign-in.ts";
import { emulatorBrowser } from "./support/emulator-browser.ts";
import { emulatorClient, type EmulatorResponse } from "./support/emulator-client.ts";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

const GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
const HELPDESK = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const BASE = "/v1.0/tenantRelationships/delegatedAdminRelationships";

type Relationship = {
  id: string;
  status: string;
  "@odata.etag": string;
  endDateTime: string | null;
  activatedDateTime: string | null;
  customer: { tenantId: string | null; displayName: string | null };
};

void describe("GDAP in the emulated Microsoft Graph, approved in the customer's admin center", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let token: string;
  let n = 0;

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("emu-gdap"));
    const res = await emulatorClient(emu).request("POST", `/${seed.tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: "password",
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        username: seed.partnerAdmin.userName,
        password: seed.partnerAdmin.password,
        scope: "https://graph.microsoft.com/DelegatedAdminRelationship.ReadWrite.All",
      },
    });
    token = String(res.body["access_token"]);
  });
  after(async () => {
    await emu.close();
  });

  const graph = (
    method: string,
    pathname: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<EmulatorResponse> =>
    emulatorClient(emu).request(method, pathname, {
      json: body,
      headers: { authorization: `Bearer ${token}`, ...headers },
    });

  function customer() {
    const tenant = emu.state.addTenant({
      domain: `tailspin${++n}x${randomBytes(3).toString("hex")}.onmicrosoft.com`,
      displayName: `Tailspin ${n}`,
    });
    const password = `${randomBytes(9).toString("base64url")}!1a`;
    const admin = emu.state.addUser({
      tenantId: tenant.id,
      alias: "admin",
      displayName: "Admin",
      password,
      roles: ["Global Administrator"],
    });
    return { tenant, admin: { userName: admin.userPrincipalName, password } };
  }

  const create = (overrides: Record<string, unknown> = {}) =>
    graph("POST", BASE, {
      displayName: `tailspin-ops-${randomBytes(4).toString("hex")}`,
      duration: "P730D",
      autoExtendDuration: "P180D",
      accessDetails: { unifiedRoles: [{ roleDefinitionId: GLOBAL_READER }, { roleDefinitionId: HELPDESK }] },
      ...overrides,
    });

  async function lockedRelationship(customerTenantId?: string): Promise<Relationship> {
    const created = await create(customerTenantId ? { customer: { tenantId: customerTenantId } } : {});
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const r = created.body as Relationship;
    const lock = await graph("POST", `${BASE}/${r.id}/requests`, { action: "lockForApproval" });
    assert.equal(lock.status, 201, JSON.stringify(lock.body));
    return r;
  }

  void test("create, lock, approve on the admin-center page, active with an end date, then an access assignment becomes active", async () => {
    const org = customer();
    const created = await create();
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const r = created.body as Relationship;
    assert.equal(created.headers.location, `${emu.baseUrl}${BASE}/${r.id}`);
    assert.equal(r.status, "created");
    assert.match(r.id, /^[0-9a-f-]{36}-[0-9a-f-]{36}$/);

    const lock = await graph("POST", `${BASE}/${r.id}/requests`, { action: "lockForApproval" });
    assert.equal(lock.status, 201);
    assert.match(String(lock.headers.location), new RegExp(`${r.id}/requests/`));
    assert.equal(((await graph("GET", `${BASE}/${r.id}`)).body as Relationship).status, "approvalPending");
    const early = await graph("POST", `${BASE}/${r.id}/accessAssignments`, {
      accessContainer: { accessContainerId: randomUUID(), accessContainerType: "securityGroup" },
      accessDetails: { unifiedRoles: [{ roleDefinitionId: GLOBAL_READER }] },
    });
    assert.equal(early.status, 400, "no access assignment before the relationship is active");

    const browser = emulatorBrowser(emu);
    const page = await openSignedIn(browser, `/admin/granular-admin-relationships/${r.id}`, org.admin);
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /Contoso Partner \(demo\)/);
    assert.match(page.text, /Global Reader/);
    assert.match(page.text, /Helpdesk Administrator/);
    assert.match(page.text, /730 days/);
    const form = browser.form(page, "Approve");
    const approved = await browser.post(form.action, form.fields);
    assert.equal(approved.status, 200, approved.text);
    assert.match(approved.text, /activating/);

    const active = (await graph("GET", `${BASE}/${r.id}`)).body as Relationship;
    assert.equal(active.status, "active");
    assert.deepEqual(active.customer, { tenantId: org.tenant.id, displayName: org.tenant.displayName });
    assert.ok(active.activatedDateTime && active.endDateTime);
    assert.equal(Date.parse(active.endDateTime) - Date.parse(active.activatedDateTime), 730 * 86_400_000);

    const group = randomUUID();
    const assigned = await graph("POST", `${BASE}/${r.id}/accessAssignments`, {
      accessContainer: { accessContainerId: group, accessContainerType: "securityGroup" },
      accessDetails: { unifiedRoles: [{ roleDefinitionId: GLOBAL_READER }] },
    });
    assert.equal(assigned.status, 201, JSON.stringify(assigned.body));
    assert.equal(assigned.body["status"], "pending");
    const read = await graph("GET", `${BASE}/${r.id}/accessAssignments/${String(assigned.body["id"])}`);
    assert.equal(read.body["status"], "active");
    const ops = await graph("GET", `${BASE}/${r.id}/operations`);
    assert.equal((ops.body["value"] as unknown[]).length, 1);

    const outside = await graph("POST", `${BASE}/${r.id}/accessAssignments`, {
      accessContainer: { accessContainerId: randomUUID(), accessContainerType: "securityGroup" },
      accessDetails: { unifiedRoles: [{ roleDefinitionId: "62e90394-69f5-4237-9190-012177145e10" }] },
    });
    assert.equal(outside.status, 400, "roles must be a subset of the relationship's");
  });

  void test("a PATCH with a stale etag is refused with 412, and the current etag works", async () => {
    const r = (await create()).body as Relationship;
    const first = await graph(
      "PATCH",
      `${BASE}/${r.id}`,
      { duration: "P365D" },
      { "if-match": r["@odata.etag"] },
    );
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body["duration"], "P365D");
    const stale = await graph(
      "PATCH",
      `${BASE}/${r.id}`,
      { duration: "P30D" },
      { "if-match": r["@odata.etag"] },
    );
    assert.equal(stale.status, 412);
    assert.equal((stale.body["error"] as { code: string }).code, "preconditionFailed");
  });

  void test("an unknown role id, a too-long name, a bad duration and a duplicate name are refused with 400 naming the property", async () => {
    const unknownRole = await create({
      accessDetails: { unifiedRoles: [{ roleDefinitionId: randomUUID() }] },
    });
    assert.equal(unknownRole.status, 400);
    assert.match((unknownRole.body["error"] as { message: string }).message, /accessDetails\.unifiedRoles/);
    const long = await create({ displayName: "x".repeat(51) });
    assert.match((long.body["error"] as { message: string }).message, /displayName/);
    const duration = await create({ duration: "P731D" });
    assert.match((duration.body["error"] as { message: string }).message, /duration/);
    const name = `dup-${randomBytes(3).toString("hex")}`;
    assert.equal((await create({ displayName: name })).status, 201);
    const dup = await create({ displayName: name });
    assert.equal(dup.status, 400);
    assert.match((dup.body["error"] as { message: string }).message, /displayName/);
  });

  void test("a request left 90 days on the clock expires and can no longer be approved", async () => {
    const org = customer();
    const r = await lockedRelationship(org.tenant.id);
    await emulatorClient(emu).request("POST", "/_emulator/clock", { json: { advanceSeconds: 91 * 86_400 } });
    assert.equal(((await graph("GET", `${BASE}/${r.id}`)).body as Relationship).status, "expired");
    const browser = emulatorBrowser(emu);
    const page = await openSignedIn(browser, `/admin/granular-admin-relationships/${r.id}`, org.admin);
    assert.equal(page.status, 409);
    assert.match(page.text, /expired/);
    assert.doesNotMatch(page.text, />Approve</);
  });

  void test("only a Global Administrator of the named customer may approve", async () => {
    const named = customer();
    const stranger = customer();
    const r = await lockedRelationship(named.tenant.id);
    const browser = emulatorBrowser(emu);
    const page = await openSignedIn(browser, `/admin/granular-admin-relationships/${r.id}`, stranger.admin);
    assert.equal(page.status, 403);
    assert.match(page.text, /another organization/);
    assert.equal(((await graph("GET", `${BASE}/${r.id}`)).body as Relationship).status, "approvalPending");
  });

  void test("terminating an active relationship ends in terminated; the list filters by status and pages with nextLink", async () => {
    const org = customer();
    const r = await lockedRelationship(org.tenant.id);
    const browser = emulatorBrowser(emu);
    const form = browser.form(
      await openSignedIn(browser, `/admin/granular-admin-relationships/${r.id}`, org.admin),
      "Approve",
    );
    await browser.post(form.action, form.fields);
    const ended = await graph("POST", `${BASE}/${r.id}/requests`, { action: "terminate" });
    assert.equal(ended.status, 201);
    assert.equal(((await graph("GET", `${BASE}/${r.id}`)).body as Relationship).status, "terminated");

    const filtered = await graph(
      "GET",
      `${BASE}?$filter=${encodeURIComponent(`customer/tenantId eq '${org.tenant.id}'`)}`,
    );
    assert.deepEqual(
      (filtered.body["value"] as Relationship[]).map((x) => x.id),
      [r.id],
    );
    const seen: string[] = [];
    let next: string | undefined = `${BASE}?$top=2`;
    while (next) {
      const page = await graph("GET", next.replace(emu.baseUrl, ""));
      assert.equal(page.status, 200, JSON.stringify(page.body));
      const items = page.body["value"] as Relationship[];
      assert.ok(items.length <= 2);
      seen.push(...items.map((x) => x.id));
      next = page.body["@odata.nextLink"] as string | undefined;
    }
    const all = (await graph("GET", `${BASE}?$top=300`)).body["value"] as Relationship[];
    assert.deepEqual(
      seen,
      all.map((x) => x.id),
    );
    assert.ok(seen.length > 2);
  });

  void test("a token without the GDAP permission may not create relationships", async () => {
    const res = await emulatorClient(emu).request("POST", `/${seed.tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: "password",
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        username: seed.partnerAdmin.userName,
        password: seed.partnerAdmin.password,
        scope: "https://graph.microsoft.com/User.Read",
      },
    });
    const denied = await emulatorClient(emu).request("POST", BASE, {
      json: {
        displayName: "x",
        duration: "P1D",
        accessDetails: { unifiedRoles: [{ roleDefinitionId: GLOBAL_READER }] },
      },
      headers: { authorization: `Bearer ${String(res.body["access_token"])}` },
    });
    assert.equal(denied.status, 403);
  });
});
