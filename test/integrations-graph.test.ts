import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import {
  createEntraTokenSource,
  microsoftResources,
  type TokenSource,
} from "../src/integrations/entra/index.ts";
import {
  createGraph,
  type Graph,
  type GraphError,
  type GraphErrorCode,
  type NewRelationship,
} from "../src/integrations/graph/index.ts";
import { createHttpClient } from "../src/integrations/http/index.ts";
import { createPartnerCenter, type UsageLineItem } from "../src/integrations/partner-center/index.ts";
import { systemClock } from "../src/platform/clock.ts";
import type { Result } from "../src/platform/result.ts";
import { openSignedIn } from "./support/admin-center-sign-in.ts";
import { emulatorBrowser } from "./support/emulator-browser.ts";
import { emulatorClient, meteredCustomer } from "./support/emulator-client.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

const GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
const HELPDESK = "729827e3-9c14-49f7-bb1b-9608f156bbb8";

void describe("the Microsoft Graph adapter against the emulator", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let ca: string;
  let tokens: TokenSource;
  let graph: Graph;
  let n = 0;
  /** What the HTTP client reports having sent: its own request log, not a mock. */
  const sent: string[] = [];

  const adapter = (t: Pick<TokenSource, "appToken">, relationshipsPageSize?: number) =>
    createGraph({
      http: createHttpClient({
        baseUrl: emu.baseUrl,
        ca,
        log: {
          debug: (o: { method?: string; url?: string }) => sent.push(`${o.method ?? ""} ${o.url ?? ""}`),
          warn: () => undefined,
        },
      }),
      tokens: t,
      partnerTenantId: seed.tenantId,
      clock: systemClock,
      blobCa: ca,
      ...(relationshipsPageSize ? { relationshipsPageSize } : {}),
    });

  const value = async <T>(call: Promise<Result<T, GraphError>>): Promise<T> => {
    const r = await call;
    assert.ok(r.ok, JSON.stringify(r));
    return r.value;
  };
  const failure = async <T>(call: Promise<Result<T, GraphError>>) => {
    const r = await call;
    return r.ok ? null : r.error;
  };

  /** A customer tenant with a Global Administrator who can approve in the admin center. */
  function customerTenant() {
    const tenant = emu.state.addTenant({
      domain: `graphcust${++n}${randomUUID().slice(0, 6)}.onmicrosoft.com`,
      displayName: `Graph customer ${n}`,
    });
    const password = `${randomUUID()}!1a`;
    const admin = emu.state.addUser({
      tenantId: tenant.id,
      alias: "admin",
      displayName: "Admin",
      password,
      roles: ["Global Administrator"],
    });
    return { tenant, admin: { userName: admin.userPrincipalName, password } };
  }

  const relationshipInput = (name: string, customerTenantId?: string): NewRelationship => ({
    displayName: name,
    duration: "P730D",
    roleIds: [GLOBAL_READER, HELPDESK],
    autoExtend: true,
    ...(customerTenantId ? { customer: { tenantId: customerTenantId, displayName: "Customer" } } : {}),
  });

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("int-graph"));
    ca = await readFile(emu.caPath, "utf8");
    tokens = createEntraTokenSource({
      http: createHttpClient({ baseUrl: emu.baseUrl, ca }),
      partnerTenantId: seed.tenantId,
      clientId: seed.clientId,
      clientSecret: seed.clientSecret,
      clock: systemClock,
    });
    graph = adapter(tokens);
  });
  after(async () => {
    await emu.close();
  });

  void test("a GDAP relationship is created once, locked, approved by the customer, assigned to a group, then terminated", async () => {
    const org = customerTenant();
    const input = relationshipInput("fabrikam-azure-ops", org.tenant.id);
    const created = await value(graph.createDelegatedAdminRelationship(input));
    assert.equal(created.status, "created");
    assert.deepEqual(created.roleIds, [GLOBAL_READER, HELPDESK]);
    const again = await value(graph.createDelegatedAdminRelationship(input));
    assert.equal(again.relationshipId, created.relationshipId, "the same display name adopts the first");

    const locked = await value(graph.lockForApproval(created.relationshipId));
    assert.equal(locked.status, "approvalPending");
    assert.equal((await value(graph.lockForApproval(created.relationshipId))).status, "approvalPending");
    const early = await failure(
      graph.createAccessAssignment(created.relationshipId, {
        securityGroupId: randomUUID(),
        roleIds: [GLOBAL_READER],
      }),
    );
    assert.equal(early?.code, "graph_rejected", "no assignment before the customer approves");

    const browser = emulatorBrowser(emu);
    const page = await openSignedIn(
      browser,
      `/admin/granular-admin-relationships/${created.relationshipId}`,
      org.admin,
    );
    const form = browser.form(page, "Approve");
    assert.equal((await browser.post(form.action, form.fields)).status, 200);

    const active = await value(graph.relationship(created.relationshipId));
    assert.equal(active.status, "active");
    assert.equal(active.customerTenantId, org.tenant.id);
    assert.ok(active.activatedAt && active.endsAt);

    const group = randomUUID();
    const assigned = await value(
      graph.createAccessAssignment(created.relationshipId, {
        securityGroupId: group,
        roleIds: [GLOBAL_READER],
      }),
    );
    assert.equal(assigned.securityGroupId, group);
    const assignedAgain = await value(
      graph.createAccessAssignment(created.relationshipId, {
        securityGroupId: group,
        roleIds: [GLOBAL_READER],
      }),
    );
    assert.equal(assignedAgain.assignmentId, assigned.assignmentId, "one assignment per group");

    const mine = await value(graph.relationships({ customerTenantId: org.tenant.id }));
    assert.deepEqual(
      mine.map((r) => r.relationshipId),
      [created.relationshipId],
    );
    const ending = await value(graph.terminate(created.relationshipId));
    assert.ok(["terminationRequested", "terminating", "terminated"].includes(ending.status), ending.status);
    assert.ok((await graph.terminate(created.relationshipId)).ok, "terminating twice is fine");
  });

  void test("relationships are read across every page of @odata.nextLink", async () => {
    const names = [0, 1, 2, 3, 4, 5, 6].map((i) => `paged-${i}`);
    for (const name of names) await value(graph.createDelegatedAdminRelationship(relationshipInput(name)));
    const before = sent.length;
    const all = await value(adapter(tokens, 3).relationships());
    for (const name of names)
      assert.ok(
        all.some((r) => r.displayName === name),
        name,
      );
    assert.equal(all.length, 8, "the seven and the one made before");
    const pages = sent
      .slice(before)
      .filter((s) => s.startsWith("GET ") && s.includes("delegatedAdminRelationships?"));
    assert.equal(pages.length, 3);
    assert.equal(pages.filter((p) => p.includes("skiptoken")).length, 2);
  });

  void test("each Graph failure becomes our typed error", async () => {
    const wrongAudience = adapter({
      appToken: (tenant) => tokens.appToken(tenant, microsoftResources.partnerCenter),
    });
    const cases: { name: string; run: () => Promise<GraphError | null>; code: GraphErrorCode }[] = [
      {
        name: "a token for another audience",
        run: () => failure(wrongAudience.relationships()),
        code: "graph_sign_in_failed",
      },
      {
        name: "an unknown relationship",
        run: () => failure(graph.relationship(`${randomUUID()}-${randomUUID()}`)),
        code: "graph_not_found",
      },
      {
        name: "an invalid duration",
        run: () =>
          failure(
            graph.createDelegatedAdminRelationship({
              ...relationshipInput("bad-duration"),
              duration: "forever",
            }),
          ),
        code: "graph_rejected",
      },
    ];
    for (const c of cases) {
      const error = await c.run();
      assert.ok(error, `${c.name}: expected a failure`);
      assert.equal(error.code, c.code, `${c.name}: ${error.message}`);
      assert.equal(error.retryable, false, c.name);
      assert.match(error.details.clientRequestId, /^[0-9a-f-]{36}$/);
    }
  });

  void test("the unbilled usage export yields the same rows, to the last digit, as Partner Center's line items", async () => {
    const customerId = await meteredCustomer(emu, seed, {
      prefix: "exportcust1",
      companyName: "Export Customer 1",
    });
    const client = emulatorClient(emu);
    await client.request("POST", "/_emulator/clock", { json: { advanceSeconds: 3 * 86_400 } });

    const exported: UsageLineItem[] = [];
    for await (const row of graph.exportUnbilledUsage({ period: "current", currency: "USD" }))
      if (row.customerTenantId === customerId) exported.push(row);
    assert.ok(exported.length > 0);

    const pc = createPartnerCenter({
      http: createHttpClient({ baseUrl: emu.baseUrl, ca }),
      tokens,
      partnerTenantId: seed.tenantId,
      clock: systemClock,
    });
    const listed: UsageLineItem[] = [];
    for await (const row of pc.unbilledUsage({ period: "current", currency: "USD" }))
      if (row.customerTenantId === customerId) listed.push(row);
    const key = (r: UsageLineItem) => `${r.azureSubscriptionId}|${r.usageDate}|${r.meterId}|${r.resourceUri}`;
    const byKey = new Map(listed.map((r) => [key(r), r]));
    assert.equal(exported.length, listed.length);
    for (const row of exported) {
      const same = byKey.get(key(row));
      assert.ok(same, key(row));
      assert.equal(row.billingPreTaxTotal, same.billingPreTaxTotal);
      assert.equal(row.quantity, same.quantity);
      assert.equal(row.partnerEarnedCreditRate, same.partnerEarnedCreditRate);
    }
  });
  void test("the billed usage export of an invoice yields the rows Partner Center lists for it", async () => {
    const client = emulatorClient(emu);
    const now = new Date(Date.parse(String((await client.request("GET", "/_emulator/clock")).body["now"])));
    // A month is invoiced on the 8th of the next; move past it.
    const closed = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 9);
    await client.request("POST", "/_emulator/clock", {
      json: { advanceSeconds: Math.ceil((closed - now.getTime()) / 1000) },
    });
    const signIn = await client.request("POST", `/${seed.tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: "password",
        username: seed.partnerAdmin.userName,
        password: seed.partnerAdmin.password,
        client_id: seed.clientId,
        client_secret: seed.clientSecret,
        scope: `${microsoftResources.partnerCenter}/user_impersonation`,
      },
    });
    const invoices = await client.request("GET", "/v1/invoices", {
      headers: { authorization: `Bearer ${String(signIn.body["access_token"])}` },
    });
    const invoice = (invoices.body["items"] as { id: string; currencyCode: string }[]).find(
      (i) => i.currencyCode === "USD",
    );
    assert.ok(invoice, JSON.stringify(invoices.body));

    let exported = 0;
    const totals = new Map<string, string>();
    for await (const row of graph.exportBilledUsage(invoice.id)) {
      assert.equal(row.invoiceNumber, invoice.id);
      totals.set(
        `${row.azureSubscriptionId}|${row.usageDate}|${row.meterId}|${row.resourceUri}`,
        row.billingPreTaxTotal,
      );
      exported++;
    }
    assert.ok(exported > 0);
    const pc = createPartnerCenter({
      http: createHttpClient({ baseUrl: emu.baseUrl, ca }),
      tokens,
      partnerTenantId: seed.tenantId,
      clock: systemClock,
    });
    let listed = 0;
    for await (const row of pc.billedUsage(invoice.id, { currency: "USD" })) {
      assert.equal(
        totals.get(`${row.azureSubscriptionId}|${row.usageDate}|${row.meterId}|${row.resourceUri}`),
        row.billingPreTaxTotal,
      );
      listed++;
    }
    assert.equal(listed, exported);
  });
});
