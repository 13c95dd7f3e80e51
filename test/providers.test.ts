import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { eq } from "drizzle-orm";
import pino from "pino";
import type { DemoSeed, RunningEmulator } from "../src/emulator/index.ts";
import { providers as providersTable } from "../src/modules/providers/tables.ts";
import { systemClock } from "../src/platform/clock.ts";
import { createSecretBox } from "../src/platform/secrets.ts";
import { backends } from "./support/databases.ts";
import { createHarness, type Auth, type Harness } from "./support/harness.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";
import { integrationsFor } from "./support/test-integrations.ts";
import { createWorld, type World } from "./support/world.ts";

type ErrorBody = { error: { code: string; message: string } };
type Provider = {
  id: string;
  name: string;
  state: string;
  failureReason: string | null;
  azure: { tenantId: string | null; subscriptionId: string | null; clientSecret: string | null };
};
type Page<T> = { items: T[]; nextCursor: string | null };
type LogEntry = { event: string; fromState: string | null; toState: string | null; message: string };

const KEY = randomBytes(32).toString("base64");

for (const backend of backends()) {
  void describe(`providers on ${backend.name}`, () => {
    let emu: RunningEmulator;
    let seed: DemoSeed;
    let closeIntegrations: () => void;
    let h: Harness;
    let w: World;
    let admin: Auth;
    /** Every body the API answered in this file: the client secret must be in none of them. */
    const seen: string[] = [];
    /** Every line the API and the adapters logged (at trace level). */
    const logLines: string[] = [];

    const call = async (
      auth: Auth,
      method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
      url: string,
      body?: unknown,
    ) => {
      const res = await h.request(auth, method, url, body);
      seen.push(res.body);
      return res;
    };
    const own = () => ({
      tenant: seed.tenantDomain,
      subscriptionId: seed.subscriptionId,
      clientId: seed.clientId,
      clientSecret: seed.clientSecret,
    });
    const create = (auth: Auth, name: string, over: Record<string, unknown> = {}) =>
      call(auth, "POST", `/api/v1/workspaces/${w.ws1.id}/providers`, {
        name,
        option: "existing-account",
        ...own(),
        ...over,
      });
    const logsOf = async (id: string) =>
      ((await call(admin, "GET", `/api/v1/providers/${id}/logs`)).json() as Page<LogEntry>).items;

    before(async () => {
      ({ emu, seed } = await startSeededEmulator(`providers-${backend.name}`));
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString("utf8"));
          done();
        },
      });
      const built = await integrationsFor(emu, seed, systemClock, pino({ level: "trace" }, sink));
      closeIntegrations = built.close;
      h = await createHarness(
        await backend.open(),
        { SECRETS_KEYS: `k1:${KEY}`, LOG_LEVEL: "trace" },
        { integrations: built.integrations, logStream: sink },
      );
      w = await createWorld(h);
      admin = await h.sessionFor(w.ids.orgAdmin);
    });
    after(async () => {
      await h.close();
      await h.database.close();
      closeIntegrations();
      await emu.close();
    });

    void test("an existing Azure account with a valid application is checked live and becomes ready, its secret encrypted", async () => {
      const res = await create(admin, "Contoso production");
      assert.equal(res.status, 201, res.body);
      const p = res.json() as Provider;
      assert.equal(p.state, "ready");
      assert.equal(p.azure.subscriptionId, seed.subscriptionId);
      assert.equal(p.azure.tenantId, seed.tenantId, "the directory id is learned from the subscription");
      assert.equal(p.azure.clientSecret, "••••");

      const [row] = await h.database.db.select().from(providersTable).where(eq(providersTable.id, p.id));
      const stored = row?.clientSecretEncrypted ?? "";
      assert.notEqual(stored, seed.clientSecret);
      assert.ok(!stored.includes(seed.clientSecret));
      assert.deepEqual(createSecretBox([{ id: "k1", key: KEY }]).decrypt(stored), {
        ok: true,
        value: seed.clientSecret,
      });

      assert.deepEqual(
        (await logsOf(p.id)).map((e) => [e.event, e.fromState, e.toState]),
        [
          ["validated", "initializing", "ready"],
          ["created", null, "initializing"],
        ],
      );
      const first = (
        await call(admin, "GET", `/api/v1/providers/${p.id}/logs?limit=1`)
      ).json() as Page<LogEntry>;
      assert.deepEqual(
        first.items.map((e) => e.event),
        ["validated"],
      );
      const rest = (
        await call(admin, "GET", `/api/v1/providers/${p.id}/logs?limit=1&cursor=${first.nextCursor ?? ""}`)
      ).json() as Page<LogEntry>;
      assert.deepEqual([rest.items.map((e) => e.event), rest.nextCursor], [["created"], null]);
      const fetched = await call(admin, "GET", `/api/v1/providers/${p.id}`);
      assert.equal((fetched.json() as Provider).state, "ready");
    });

    void test("a wrong secret, an unknown tenant, client or subscription, or no access each name the field to fix; nothing is saved", async () => {
      const other = emu.state.addTenant({ domain: "elsewhere.onmicrosoft.com", displayName: "Elsewhere" });
      const foreign = emu.state.addSubscription({ tenantId: other.id, displayName: "Not yours" });
      const cases: [Record<string, unknown>, string, string][] = [
        [{ clientSecret: "not-the-secret" }, "provider_client_secret_rejected", "clientSecret"],
        [{ tenant: "nobody-here.onmicrosoft.com" }, "provider_tenant_not_found", "tenant"],
        [{ clientId: "0b5e7a1c-1111-4222-8333-944445555666" }, "provider_client_id_not_found", "clientId"],
        [
          { subscriptionId: "6f1c2d3e-aaaa-4bbb-8ccc-ddddeeeeffff" },
          "provider_subscription_not_found",
          "subscriptionId",
        ],
        [{ subscriptionId: foreign.subscriptionId }, "provider_subscription_access_denied", "subscriptionId"],
      ];
      const before = (await h.database.db.select().from(providersTable)).length;
      for (const [over, code, field] of cases) {
        const res = await create(admin, `Rejected ${code}`, over);
        assert.equal(res.status, 422, `${code}: ${res.body}`);
        const e = (res.json() as ErrorBody).error;
        assert.equal(e.code, code);
        assert.ok(e.message.startsWith(`${field}:`), e.message);
      }
      assert.equal((await h.database.db.select().from(providersTable)).length, before);
    });

    void test("malformed credentials are refused before Microsoft is asked, naming the field", async () => {
      const res = await create(admin, "Malformed", {
        subscriptionId: "my-subscription",
        tenant: "not a domain",
      });
      assert.equal(res.status, 400);
      const e = (res.json() as ErrorBody).error;
      assert.equal(e.code, "validation_failed");
      assert.match(e.message, /subscriptionId must be a GUID/);
      assert.match(e.message, /tenant must be a directory \(tenant\) id/);
      const noOption = await call(admin, "POST", `/api/v1/workspaces/${w.ws1.id}/providers`, { name: "X" });
      assert.equal(noOption.status, 400);
      assert.match((noOption.json() as ErrorBody).error.message, /option must be one of/);
    });

    void test("both optimized options need a billing account of the organization, and only administrators of the organization or cost center may ask", async () => {
      const newCustomer = { name: "New", option: "new-customer", billingAccountId: "ba_whatever" };
      const res = await call(admin, "POST", `/api/v1/workspaces/${w.ws1.id}/providers`, newCustomer);
      assert.equal(res.status, 404, res.body);
      assert.equal((res.json() as ErrorBody).error.code, "billing_account_not_found");
      assert.match((res.json() as ErrorBody).error.message, /^billingAccountId: .*ba_whatever/);
      const migrate = await call(admin, "POST", `/api/v1/workspaces/${w.ws1.id}/providers`, {
        name: "Move",
        option: "migrate-tenant",
        billingAccountId: "ba_whatever",
        adminEmail: "it@contoso.example",
        primaryDomain: "contoso.onmicrosoft.com",
      });
      assert.equal(migrate.status, 404, migrate.body);
      assert.equal((migrate.json() as ErrorBody).error.code, "billing_account_not_found");
      const wsAdmin = await h.sessionFor(w.ids.wsAdmin);
      const denied = await call(wsAdmin, "POST", `/api/v1/workspaces/${w.ws1.id}/providers`, newCustomer);
      assert.equal(denied.status, 403);
      assert.match((denied.json() as ErrorBody).error.message, /organization administrators/);
      const options = (await call(wsAdmin, "GET", "/api/v1/provider-options")).json() as {
        items: { option: string; label: string }[];
      };
      assert.deepEqual(
        options.items.map((o) => o.option),
        ["existing-account", "migrate-tenant", "new-customer"],
      );
    });

    void test("sharing: a workspace user cannot list providers, visitors and authors read but cannot rename, administrators rename, another organization sees nothing", async () => {
      const p = (await create(admin, "Shared")).json() as Provider;
      const as = (who: keyof World["ids"]) => h.sessionFor(w.ids[who]);
      const list = `/api/v1/workspaces/${w.ws1.id}/providers`;
      assert.equal((await call(await as("wsUser"), "GET", list)).status, 403);
      assert.equal((await call(await as("wsUser"), "GET", `/api/v1/providers/${p.id}`)).status, 403);
      const visitorList = await call(await as("wsVisitor"), "GET", list);
      assert.equal(visitorList.status, 200);
      assert.ok((visitorList.json() as Page<Provider>).items.some((x) => x.id === p.id));
      const rename = (who: Auth, name: string) => call(who, "PATCH", `/api/v1/providers/${p.id}`, { name });
      assert.equal((await rename(await as("wsVisitor"), "By visitor")).status, 403);
      assert.equal((await call(await as("wsAuthor"), "GET", `/api/v1/providers/${p.id}`)).status, 200);
      assert.equal((await rename(await as("wsAuthor"), "By author")).status, 403);
      const renamed = await rename(await as("wsAdmin"), "Shared (renamed)");
      assert.equal(renamed.status, 200);
      assert.equal((renamed.json() as Provider).name, "Shared (renamed)");
      const outsider = await as("otherOrgAdmin");
      assert.equal((await call(outsider, "GET", `/api/v1/providers/${p.id}`)).status, 404);
      assert.equal((await rename(outsider, "Mine now")).status, 404);
      assert.equal((await call(outsider, "GET", list)).status, 404);
      const orgList = (
        await call(admin, "GET", `/api/v1/organizations/${w.orgA.id}/providers`)
      ).json() as Page<Provider>;
      assert.ok(orgList.items.some((x) => x.id === p.id));
      const taken = await rename(admin, "contoso PRODUCTION");
      assert.equal(taken.status, 409, "names are unique in a workspace regardless of case");
    });

    void test("sync finds a disabled subscription unavailable with the reason, and ready again once it is enabled", async () => {
      const extra = emu.state.addSubscription({ tenantId: seed.tenantId, displayName: "Sync target" });
      const p = (await create(admin, "Synced", { subscriptionId: extra.subscriptionId })).json() as Provider;
      emu.state.setSubscriptionState(extra.subscriptionId, "Disabled");
      const down = await call(admin, "POST", `/api/v1/providers/${p.id}/sync`);
      assert.equal(down.status, 200, down.body);
      assert.equal((down.json() as Provider).state, "unavailable");
      assert.match((down.json() as Provider).failureReason ?? "", /subscriptionId: .* is Disabled/);
      emu.state.setSubscriptionState(extra.subscriptionId, "Enabled");
      const up = await call(admin, "POST", `/api/v1/providers/${p.id}/sync`);
      assert.equal((up.json() as Provider).state, "ready");
      assert.equal((up.json() as Provider).failureReason, null);
      assert.deepEqual(
        (await logsOf(p.id)).slice(0, 2).map((e) => [e.event, e.fromState, e.toState]),
        [
          ["synced", "unavailable", "ready"],
          ["sync_failed", "ready", "unavailable"],
        ],
      );
      const author = await h.sessionFor(w.ids.wsAuthor);
      assert.equal((await call(author, "POST", `/api/v1/providers/${p.id}/sync`)).status, 403);
    });

    void test("replacing the credentials checks them first: a wrong secret changes nothing, another valid application takes over", async () => {
      const p = (await create(admin, "Rotated")).json() as Provider;
      const [before] = await h.database.db.select().from(providersTable).where(eq(providersTable.id, p.id));
      const url = `/api/v1/providers/${p.id}/credentials`;
      const wrong = await call(admin, "PUT", url, {
        tenant: seed.tenantId,
        clientId: seed.clientId,
        clientSecret: "rotated-away",
      });
      assert.equal(wrong.status, 422);
      assert.equal((wrong.json() as ErrorBody).error.code, "provider_client_secret_rejected");
      const [unchanged] = await h.database.db
        .select()
        .from(providersTable)
        .where(eq(providersTable.id, p.id));
      assert.equal(unchanged?.clientSecretEncrypted, before?.clientSecretEncrypted);

      const secret = randomBytes(24).toString("base64url");
      const app = emu.state.addApp({ tenantId: seed.tenantId, displayName: "CAM-App", secret });
      const res = await call(admin, "PUT", url, {
        tenant: seed.tenantId,
        clientId: app.clientId,
        clientSecret: secret,
      });
      assert.equal(res.status, 200, res.body);
      assert.equal((res.json() as Provider).state, "ready");
      assert.ok(!res.body.includes(secret));
      const [after] = await h.database.db.select().from(providersTable).where(eq(providersTable.id, p.id));
      assert.equal(after?.clientId, app.clientId);
      assert.equal(
        createSecretBox([{ id: "k1", key: KEY }]).decrypt(after?.clientSecretEncrypted ?? "").ok,
        true,
      );
      assert.equal((await logsOf(p.id))[0]?.event, "credentials_replaced");
      const author = await h.sessionFor(w.ids.wsAuthor);
      assert.equal(
        (
          await call(author, "PUT", url, {
            tenant: seed.tenantId,
            clientId: app.clientId,
            clientSecret: secret,
          })
        ).status,
        403,
      );
    });

    void test("deleting stops managing the provider: deleting, then gone from the lists, the log says so and the secret is erased", async () => {
      const p = (await create(admin, "Short-lived")).json() as Provider;
      const res = await call(admin, "DELETE", `/api/v1/providers/${p.id}`);
      assert.equal(res.status, 202, res.body);
      const body = res.json() as { provider: Provider; notice: string };
      assert.equal(body.provider.state, "deleting");
      assert.match(body.notice, /does not close the Azure customer account or its subscription/);
      assert.equal((await call(admin, "GET", `/api/v1/providers/${p.id}`)).status, 404);
      const listed = (
        await call(admin, "GET", `/api/v1/workspaces/${w.ws1.id}/providers`)
      ).json() as Page<Provider>;
      assert.ok(!listed.items.some((x) => x.id === p.id));
      assert.deepEqual(
        (await logsOf(p.id)).slice(0, 2).map((e) => [e.event, e.toState]),
        [
          ["removed", null],
          ["deleting", "deleting"],
        ],
      );
      const [row] = await h.database.db.select().from(providersTable).where(eq(providersTable.id, p.id));
      assert.equal(row?.clientSecretEncrypted, null);
      assert.equal((await call(admin, "DELETE", `/api/v1/providers/${p.id}`)).status, 404);
      const again = await create(admin, "Short-lived");
      assert.equal(again.status, 201, "the name is free again once the provider is gone");
    });

    void test("an account shutdown request is stored open and listed for operators only", async () => {
      const p = (await create(admin, "To shut down")).json() as Provider;
      const res = await call(admin, "POST", `/api/v1/providers/${p.id}/shutdown-requests`, {
        reason: "The project ended.",
      });
      assert.equal(res.status, 201, res.body);
      const request = res.json() as { id: string; status: string; requesterEmail: string };
      assert.equal(request.status, "open");
      assert.equal(request.requesterEmail, "admin@a.test");
      const empty = await call(admin, "POST", `/api/v1/providers/${p.id}/shutdown-requests`, { reason: " " });
      assert.equal(empty.status, 400);
      const visitor = await h.sessionFor(w.ids.wsVisitor);
      const refused = await call(visitor, "POST", `/api/v1/providers/${p.id}/shutdown-requests`, {
        reason: "x",
      });
      assert.equal(refused.status, 403);
      const op = await h.sessionFor(w.ids.operator);
      const listed = (await call(op, "GET", "/api/v1/shutdown-requests?status=open")).json() as Page<{
        id: string;
        providerId: string;
        reason: string;
      }>;
      assert.deepEqual(
        listed.items.filter((r) => r.providerId === p.id).map((r) => [r.id, r.reason]),
        [[request.id, "The project ended."]],
      );
      assert.equal((await call(admin, "GET", "/api/v1/shutdown-requests")).status, 403);
      assert.equal((await logsOf(p.id))[0]?.event, "shutdown_requested");
    });

    void test("without a connection to Microsoft, option 1 is refused as not connected and nothing is saved", async () => {
      const offline = await createHarness(h.database, { SECRETS_KEYS: `k1:${KEY}` });
      try {
        const res = await offline.request(admin, "POST", `/api/v1/workspaces/${w.ws1.id}/providers`, {
          name: "Offline",
          option: "existing-account",
          ...own(),
        });
        seen.push(res.body);
        assert.equal(res.status, 503);
        assert.equal((res.json() as ErrorBody).error.code, "microsoft_not_connected");
      } finally {
        await offline.close();
      }
    });

    void test("the client secret is in no response, log line, provider log or audit record", async () => {
      assert.ok(seen.length > 20);
      for (const body of seen) assert.ok(!body.includes(seed.clientSecret), body.slice(0, 200));
      assert.ok(
        logLines.some((l) => l.includes("/providers")),
        "the API's requests were logged",
      );
      assert.ok(
        logLines.some((l) => l.includes("oauth2")),
        "the adapters' token requests were logged",
      );
      for (const line of logLines) assert.ok(!line.includes(seed.clientSecret), line.slice(0, 200));
      const dump = await h.database.query(
        "SELECT (SELECT coalesce(string_agg(message, ' '), '') FROM provider_events) || (SELECT coalesce(string_agg(details::text, ' '), '') FROM audit_events) AS text",
      );
      const text = String((dump.rows[0] as { text: unknown }).text);
      assert.ok(text.includes(seed.clientId), "the log and audit name the application");
      assert.ok(!text.includes(seed.clientSecret));
    });
  });
}
