import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { matrix } from "./authorization-matrix.ts";
import { backends } from "./support/databases.ts";
import { type Auth, type Harness } from "./support/harness.ts";
import { createWorld, type World } from "./support/world.ts";
import { contact, instantProvisioning, ukAddress } from "./support/onboarding-world.ts";
import { connectedHarness, worldConnections } from "./support/connected-harness.ts";

type ErrorBody = {
  error: { code: string; message: string; requestId: string; fields?: { path: string; message: string }[] };
};

/** Bad bodies for each operation that takes one, and the field each must be blamed on. */
const badBodies: Record<string, { body: unknown; field: string }[]> = {
  createOrganization: [
    { body: {}, field: "name" },
    { body: { name: "" }, field: "name" },
    { body: { name: "x".repeat(101) }, field: "name" },
    { body: { name: 42 }, field: "name" },
    { body: { name: "ok", extra: 1 }, field: "" },
  ],
  createCostCenter: [
    { body: { name: "   " }, field: "name" },
    { body: { name: null }, field: "name" },
  ],
  createWorkspace: [
    { body: { name: "W" }, field: "costCenterId" },
    { body: { name: "W", costCenterId: "nope" }, field: "costCenterId" },
    { body: { costCenterId: "cc_00000000000000000000000000" }, field: "name" },
  ],
  updateWorkspace: [{ body: { costCenterId: "cc_00000000000000000000000000" }, field: "" }],
  setWorkspaceMember: [
    { body: { role: "owner" }, field: "role" },
    { body: {}, field: "role" },
  ],
  createInvitation: [
    { body: { email: "not-an-email", orgRole: "member" }, field: "email" },
    { body: { email: "a@b.test", orgRole: "boss" }, field: "orgRole" },
    { body: { email: "a@b.test", orgRole: "member", workspaceId: "ws_bad" }, field: "workspaceId" },
  ],
  createMyToken: [
    { body: { name: "t", scope: "admin" }, field: "scope" },
    { body: { name: "t", scope: "read", expiresInDays: 0 }, field: "expiresInDays" },
    { body: { name: "t", scope: "read", expiresInDays: 1.5 }, field: "expiresInDays" },
  ],
  completeSetup: [
    { body: { partnerName: "P", name: "N", email: "op@x.test", password: "short" }, field: "password" },
  ],
  signIn: [{ body: { email: "nobody" }, field: "email" }],
  changeMyPassword: [{ body: { currentPassword: "x", newPassword: "short" }, field: "newPassword" }],
  acceptInvitation: [
    { body: { token: "pci_short", name: "N", password: "long enough password" }, field: "token" },
  ],
  updateUser: [{ body: { orgRole: "owner" }, field: "orgRole" }],
  discoverBillingAccounts: [
    { body: { userName: "pcadmin" }, field: "password" },
    { body: { userName: "", password: "x" }, field: "userName" },
  ],
  connectBillingAccount: [
    { body: { ticket: "guess", accountAlias: "PCUK" }, field: "ticket" },
    { body: { ticket: `pcx_${"A".repeat(43)}`, accountAlias: "PC UK" }, field: "accountAlias" },
    {
      body: { ticket: `pcx_${"A".repeat(43)}`, accountAlias: "PCUK", costCenterId: "cc_bad" },
      field: "costCenterId",
    },
  ],
  createProvider: [
    { body: { name: "P", option: "sideways" }, field: "option" },
    {
      body: {
        name: "P",
        option: "new-customer",
        billingAccountId: "ba_x",
        customer: { companyName: "C", domainPrefix: "no spaces", address: ukAddress, contact },
      },
      field: "customer.domainPrefix",
    },
    {
      body: {
        name: "P",
        option: "new-customer",
        billingAccountId: "ba_x",
        customer: { companyName: "C", address: { ...ukAddress, city: "" }, contact },
      },
      field: "customer.address.city",
    },
    {
      body: {
        name: "P",
        option: "existing-account",
        tenant: "contoso.onmicrosoft.com",
        subscriptionId: "not-a-guid",
        clientId: "00000000-0000-0000-0000-000000000001",
        clientSecret: "s",
      },
      field: "subscriptionId",
    },
    {
      body: {
        name: "P",
        option: "existing-account",
        tenant: "not a tenant",
        subscriptionId: "00000000-0000-0000-0000-000000000001",
        clientId: "00000000-0000-0000-0000-000000000001",
        clientSecret: "s",
      },
      field: "tenant",
    },
    {
      body: {
        name: "P",
        option: "migrate-tenant",
        billingAccountId: "ba_x",
        adminEmail: "nope",
        primaryDomain: "contoso.onmicrosoft.com",
      },
      field: "adminEmail",
    },
  ],
  renameProvider: [{ body: { name: "" }, field: "name" }],
  replaceProviderCredentials: [
    { body: { tenant: "contoso.onmicrosoft.com", clientId: "app", clientSecret: "s" }, field: "clientId" },
  ],
  requestProviderShutdown: [{ body: {}, field: "reason" }],
  createAllowedServicesPreset: [
    { body: { id: "Web Apps", label: "Web", serviceIds: ["app-service"] }, field: "id" },
    { body: { id: "web", label: "Web", serviceIds: [] }, field: "serviceIds" },
    { body: { id: "web", label: "Web", serviceIds: ["App Service"] }, field: "serviceIds.0" },
    { body: { id: "web", serviceIds: ["app-service"] }, field: "label" },
  ],
  updateAllowedServicesPreset: [{ body: { serviceIds: "app-service" }, field: "serviceIds" }],
  updateAllowedServicesSettings: [
    { body: {}, field: "defaultPresetId" },
    { body: { defaultPresetId: "IaaS!" }, field: "defaultPresetId" },
  ],
  createWebhook: [
    { body: { eventTypes: ["*"] }, field: "url" },
    { body: { url: "http://hooks.example.com/in", eventTypes: ["*"] }, field: "url" },
    {
      body: { url: "https://hooks.example.com/in", eventTypes: ["provider.exploded"] },
      field: "eventTypes.0",
    },
    { body: { url: "https://hooks.example.com/in" }, field: "eventTypes" },
  ],
  updateWebhook: [
    { body: { url: "not a url" }, field: "url" },
    { body: { enabled: "yes" }, field: "enabled" },
  ],
  revealAzureCustomerCredentials: [{ body: { password: "" }, field: "password" }],
  cancelOnboardingRun: [{ body: { reason: "" }, field: "reason" }],
  rollWebhookSecret: [{ body: { keepPreviousForHours: 500 }, field: "keepPreviousForHours" }],
  completeTechnicalTask: [
    { body: { targetSubscriptionId: "EA Workloads (CSP)" }, field: "targetSubscriptionId" },
    { body: { note: "n".repeat(1001) }, field: "note" },
  ],
  declineMigrationInvitation: [
    { body: { reason: "r".repeat(501) }, field: "reason" },
    { body: { reason: 42 }, field: "reason" },
  ],
  createPricePlan: [
    { body: { markupPercent: "10" }, field: "effectiveFrom" },
    { body: { effectiveFrom: "2027-13", markupPercent: "10" }, field: "effectiveFrom" },
    { body: { effectiveFrom: "2027-01", markupPercent: 10 }, field: "markupPercent" },
    { body: { effectiveFrom: "2027-01", markupPercent: "1e3" }, field: "markupPercent" },
    {
      body: { effectiveFrom: "2027-01", markupPercent: "1", categoryMarkups: { Storage: "x" } },
      field: "categoryMarkups.Storage",
    },
  ],
  previewPricePlan: [
    { body: {}, field: "markupPercent" },
    { body: { markupPercent: "5", month: "October" }, field: "month" },
  ],
  setExchangeRate: [
    { body: {}, field: "rate" },
    { body: { rate: 0.92 }, field: "rate" },
    { body: { rate: "-1" }, field: "rate" },
  ],
  updateBillingSettings: [
    { body: { label: "", splitServices: false, timing: "estimate" }, field: "label" },
    { body: { label: "L", splitServices: "no", timing: "estimate" }, field: "splitServices" },
    { body: { label: "L", splitServices: false, timing: "later" }, field: "timing" },
  ],
  creditInvoice: [
    { body: {}, field: "reason" },
    { body: { reason: "" }, field: "reason" },
  ],
  pullUnbilledUsage: [
    { body: { period: "later" }, field: "period" },
    { body: { period: "current", invoice: "G1" }, field: "" },
  ],
  assignUsage: [
    { body: {}, field: "billingAccountId" },
    { body: { billingAccountId: "PCUK" }, field: "billingAccountId" },
  ],
};

/** Bad query strings for each list that takes filters, and the parameter each must be blamed on. */
const badQueries: Record<string, { query: string; field: string }[]> = {
  listTechnicalTasks: [
    { query: "state=bogus", field: "state" },
    { query: "state=OPEN", field: "state" },
  ],
  listUnassignedUsage: [
    { query: "month=2026-1", field: "month" },
    { query: "month=last", field: "month" },
  ],
  listExchangeRates: [{ query: "month=202610", field: "month" }],
  listUsageImports: [
    { query: "limit=0", field: "limit" },
    { query: "cursor=%25%25", field: "cursor" },
  ],
  getInvoiceLineDetail: [
    { query: "usageDate=2026-11-31x", field: "usageDate" },
    { query: "usageDate=03.11.2026", field: "usageDate" },
    { query: "rows=yes", field: "rows" },
  ],
  getEstimate: [
    { query: "scope=bogus&id=ba_x", field: "scope" },
    { query: "scope=provider&id=ba_x", field: "id" },
    { query: "scope=billing_account&id=ba_x&asOf=2026-02-30", field: "asOf" },
    { query: "scope=billing_account&id=ba_x&method=guess", field: "method" },
  ],
};

/** Operations only partner operators may call: their bad bodies and queries are sent as an operator. */
const operatorOperations = new Set([
  "createOrganization",
  "cancelOnboardingRun",
  "createAllowedServicesPreset",
  "updateAllowedServicesPreset",
  "updateAllowedServicesSettings",
  "completeTechnicalTask",
  "listTechnicalTasks",
  "setExchangeRate",
  "updateBillingSettings",
  "assignUsage",
  "creditInvoice",
  "listUnassignedUsage",
  "listExchangeRates",
  "pullUnbilledUsage",
  "listUsageImports",
]);

for (const backend of backends()) {
  void describe(`bad input on ${backend.name}`, () => {
    let h: Harness;
    let w: World;
    let admin: Auth;
    let operator: Auth;
    let n = 0;
    let close: () => Promise<void>;

    before(async () => {
      // The matrix's rows for providers and billing accounts reach Microsoft and the partner cloud: the emulator.
      // Every caller tries unknown invitation tokens here: lift the guessing limit that S6 tests elsewhere.
      const connected = await connectedHarness(`input-validation-${backend.name}`, await backend.open(), {
        INVITATION_MAX_FAILURES: "100000",
      });
      ({ h, close } = connected);
      await instantProvisioning(connected.emu);
      w = await createWorld(h, worldConnections(connected.seed));
      admin = await h.sessionFor(w.ids.orgAdmin);
      operator = await h.sessionFor(w.ids.operator);
    });
    after(() => close());

    for (const [operation, cases] of Object.entries(badBodies)) {
      void test(`${operation}: each invalid body gets 400 naming the field, with a message saying how to fix it`, async () => {
        const row = matrix[operation];
        assert.ok(row, `${operation} is in the matrix`);
        const attempt = await row.request(w, h, n++);
        for (const c of cases) {
          const res = await h.request(
            operatorOperations.has(operation) ? operator : admin,
            attempt.method,
            attempt.url,
            c.body,
          );
          assert.equal(res.status, 400, `${operation} ${JSON.stringify(c.body)} → ${res.body}`);
          const body = res.json() as ErrorBody;
          assert.equal(body.error.code, "validation_failed");
          assert.ok(body.error.requestId.length > 0);
          const fields = body.error.fields ?? [];
          assert.ok(fields.length > 0, `fields listed for ${JSON.stringify(c.body)}`);
          if (c.field)
            assert.ok(
              fields.some((f) => f.path === c.field),
              `${c.field} blamed in ${JSON.stringify(fields)}`,
            );
          for (const f of fields) assert.ok(f.message.length > 10, `message says how to fix: ${f.message}`);
          assert.ok(body.error.message.includes(c.field), `summary names ${c.field}: ${body.error.message}`);
        }
      });
    }

    for (const [operation, cases] of Object.entries(badQueries)) {
      void test(`${operation}: each invalid query gets 400 naming the parameter, with a message saying how to fix it`, async () => {
        const row = matrix[operation];
        assert.ok(row, `${operation} is in the matrix`);
        const attempt = await row.request(w, h, n++);
        const path = attempt.url.split("?")[0] ?? attempt.url;
        for (const c of cases) {
          const res = await h.request(
            operatorOperations.has(operation) ? operator : admin,
            "GET",
            `${path}?${c.query}`,
          );
          assert.equal(res.status, 400, `${operation} ?${c.query} → ${res.body}`);
          const body = res.json() as ErrorBody;
          assert.equal(body.error.code, "validation_failed");
          const fields = body.error.fields ?? [];
          assert.ok(
            fields.some((f) => f.path === c.field),
            `${c.field} blamed in ${JSON.stringify(fields)}`,
          );
          for (const f of fields) assert.ok(f.message.length > 10, `message says how to fix: ${f.message}`);
          assert.ok(body.error.message.includes(c.field), `summary names ${c.field}: ${body.error.message}`);
        }
      });
    }

    void test("a usage upload with a malformed billing period gets 400 naming billingPeriod, and imports nothing", async () => {
      const listedBefore = (await h.request(operator, "GET", "/api/v1/billing/usage-imports")).json() as {
        items: unknown[];
      };
      const res = await h.request(
        operator,
        "POST",
        "/api/v1/billing/usage-imports?billingPeriod=2026-13",
        "CustomerId\r\n",
        { "content-type": "text/csv" },
      );
      assert.equal(res.status, 400, res.body);
      const body = res.json() as ErrorBody;
      assert.equal(body.error.code, "validation_failed");
      assert.ok((body.error.fields ?? []).some((f) => f.path === "billingPeriod"));
      assert.match(body.error.message, /billingPeriod must be a month written YYYY-MM, e\.g\. 2026-11/);
      const listedAfter = (await h.request(operator, "GET", "/api/v1/billing/usage-imports")).json() as {
        items: unknown[];
      };
      assert.equal(listedAfter.items.length, listedBefore.items.length);
    });

    void test("changing a workspace's cost center is refused with a message saying it is immutable", async () => {
      const res = await h.request(admin, "PATCH", `/api/v1/workspaces/${w.ws1.id}`, {
        costCenterId: w.cc2.id,
      });
      assert.equal(res.status, 400);
      assert.match((res.json() as ErrorBody).error.message, /costCenterId cannot be changed/);
    });

    void test("malformed ids in the path get 400 naming the parameter; well-formed unknown ids get 404", async () => {
      const bad = await h.request(admin, "GET", "/api/v1/workspaces/12345");
      assert.equal(bad.status, 400);
      assert.match((bad.json() as ErrorBody).error.message, /workspaceId must be an id like ws_/);
      for (const url of [
        "/api/v1/workspaces/ws_00000000000000000000000000",
        "/api/v1/cost-centers/cc_00000000000000000000000000",
        "/api/v1/organizations/org_00000000000000000000000000",
        "/api/v1/organizations/org_00000000000000000000000000/workspaces",
      ]) {
        const res = await h.request(admin, "GET", url);
        assert.equal(res.status, 404, url);
        assert.equal((res.json() as ErrorBody).error.code, "not_found");
      }
      const noRoute = await h.request(admin, "GET", "/api/v1/nothing-here");
      assert.equal(noRoute.status, 404);
      assert.equal((noRoute.json() as ErrorBody).error.code, "route_not_found");
    });

    void test("a body that is not JSON, or not sent as JSON, gets a 4xx that says what to send", async () => {
      const url = `/api/v1/organizations/${w.orgA.id}/cost-centers`;
      const broken = await h.request(admin, "POST", url, "{not json");
      assert.equal(broken.status, 400);
      assert.equal((broken.json() as ErrorBody).error.code, "malformed_json");
      const form = await h.request(admin, "POST", url, undefined, { "content-type": "text/plain" });
      assert.ok([400, 415].includes(form.status), `got ${form.status}`);
      const list = await h.request(admin, "GET", `${url}?limit=0`);
      assert.equal(list.status, 400);
      assert.match((list.json() as ErrorBody).error.message, /limit must be at least 1/);
    });

    void test("no input to any operation produces a 500", async () => {
      const garbage: unknown[] = [
        null,
        [],
        "text",
        12,
        { name: { nested: true } },
        { name: "x".repeat(5000) },
        { email: "a@b.c", orgRole: "admin", workspaceId: null, workspaceRole: 7 },
        { role: ["admin"] },
        { costCenterId: "cc_" + "z".repeat(26), name: "\u0000" },
        { token: "pci_" + "-".repeat(43), name: "n", password: "p".repeat(300) },
      ];
      const queries = [
        "",
        "?limit=abc",
        "?limit=9999",
        "?cursor=%00%01",
        "?cursor=" + "A".repeat(300),
        "?costCenterId=zz",
        "?action=DROP TABLE",
      ];
      for (const [operation, row] of Object.entries(matrix)) {
        const attempt = await row.request(w, h, n++);
        for (const auth of [admin, operator, { kind: "anonymous" } as const]) {
          for (const body of attempt.method === "GET" ? [undefined] : garbage) {
            const res = await h.request(auth, attempt.method, attempt.url, body);
            assert.ok(res.status < 500, `${operation} ${JSON.stringify(body)} → ${res.status} ${res.body}`);
          }
          if (attempt.method === "GET")
            for (const q of queries) {
              const url = attempt.url.includes("?") ? attempt.url + q.replace("?", "&") : attempt.url + q;
              const res = await h.request(auth, "GET", url);
              assert.ok(res.status < 500, `${operation} GET ${url} → ${res.status} ${res.body}`);
            }
        }
      }
    });
  });
}
