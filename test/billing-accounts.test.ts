import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import pino from "pino";
import type { DemoSeed, RunningEmulator } from "../src/emulator/index.ts";
import { fakeClock } from "../src/platform/clock.ts";
import { loadSecretBox } from "../src/platform/secrets.ts";
import { backends } from "./support/databases.ts";
import { createHarness, must, type Auth, type Harness } from "./support/harness.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";
import { integrationsFor } from "./support/test-integrations.ts";
import { createWorld, type World } from "./support/world.ts";

type ErrorBody = { error: { code: string; message: string } };
type Verdict = { eligible: boolean; reasons: { code: string; message: string; support: { kind: string } }[] };
type Discovered = {
  ticket: string;
  ticketExpiresAt: string;
  partnerCloudUser: string;
  accounts: ({ alias: string; connection: string; eligibility: Verdict } & Record<string, unknown>)[];
};
type Account = {
  id: string;
  alias: string;
  orgId: string;
  costCenterId: string | null;
  eligibility: Verdict;
};

const SECRETS_KEYS = `k1:${Buffer.alloc(32, 7).toString("base64")}`;

for (const backend of backends()) {
  void describe(`billing accounts on ${backend.name}`, () => {
    let emu: RunningEmulator;
    let seed: DemoSeed;
    let close: () => void;
    let h: Harness;
    let w: World;
    let admin: Auth;
    const logLines: string[] = [];
    const responses: string[] = [];

    before(async () => {
      ({ emu, seed } = await startSeededEmulator(`billing-accounts-${backend.name}`));
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString("utf8"));
          done();
        },
      });
      // The adapters' clock starts with the harness's, so partner-cloud sessions expire in the harness's time.
      const built = await integrationsFor(
        emu,
        seed,
        fakeClock(new Date("2026-11-02T09:00:00Z")),
        pino({ level: "trace" }, sink),
      );
      close = built.close;
      h = await createHarness(
        await backend.open(),
        { SECRETS_KEYS, LOG_LEVEL: "trace" },
        { integrations: built.integrations, logStream: sink },
      );
      w = await createWorld(h);
      admin = await h.sessionFor(w.ids.orgAdmin);
    });
    after(async () => {
      await h.close();
      await h.database.close();
      close();
      await emu.close();
    });

    /** Every answer is kept, so the last test can look for secrets in all of them. */
    async function call(
      auth: Auth,
      method: "GET" | "POST" | "PATCH" | "DELETE",
      url: string,
      body?: unknown,
    ) {
      const res = await h.request(auth, method, url, body);
      responses.push(res.body);
      return res;
    }

    const pcadmin = () => ({ userName: seed.partnerCloud.userName, password: seed.partnerCloud.password });

    async function discover(auth: Auth = admin, orgId = w.orgA.id): Promise<Discovered> {
      const res = await call(
        auth,
        "POST",
        `/api/v1/organizations/${orgId}/billing-accounts/discover`,
        pcadmin(),
      );
      assert.equal(res.status, 200, res.body);
      return res.json() as Discovered;
    }

    async function connect(
      auth: Auth,
      body: { ticket: string; accountAlias: string; costCenterId?: string },
      orgId = w.orgA.id,
    ) {
      return call(auth, "POST", `/api/v1/organizations/${orgId}/billing-accounts`, body);
    }

    const codeOf = (res: { json: () => unknown }) => (res.json() as ErrorBody).error.code;

    void test("discover lists every account the administrator may bill, each with its verdict and reasons", async () => {
      const found = await discover();
      assert.equal(found.partnerCloudUser, "pcadmin");
      assert.match(found.ticket, /^pcx_/);
      assert.equal(new Date(found.ticketExpiresAt).getTime() - h.clock.now().getTime(), 10 * 60_000);
      const verdicts = Object.fromEntries(
        found.accounts.map((a) => [a.alias, a.eligibility.reasons.map((r) => r.code)]),
      );
      assert.deepEqual(verdicts, {
        PCLD: [],
        PCUK: [],
        PCCA: [],
        PCDE: ["ineligible_country"],
        PDMO: ["ineligible_not_billable"],
        PINT: ["ineligible_not_billable"],
        PRSL: ["ineligible_reseller"],
      });
      const germany = found.accounts.find((a) => a.alias === "PCDE");
      assert.ok(germany && !germany.eligibility.eligible);
      assert.match(germany.eligibility.reasons[0]?.message ?? "", /PCDE.*billing country DE/);
      assert.equal(germany.eligibility.reasons[0]?.support.kind, "support_request");
      assert.ok(found.accounts.every((a) => a.connection === "none"));
    });

    void test("connecting PCUK to the organization lists it, with who connected it", async () => {
      const found = await discover();
      const res = await connect(admin, { ticket: found.ticket, accountAlias: "PCUK" });
      assert.equal(res.status, 201, res.body);
      const connected = res.json() as Account & { name: string; country: string; connectedBy: string };
      assert.equal(connected.alias, "PCUK");
      assert.equal(connected.country, "GB");
      assert.equal(connected.costCenterId, null);
      assert.equal(connected.connectedBy, w.ids.orgAdmin);
      assert.equal(connected.eligibility.eligible, true);
      const list = await call(admin, "GET", `/api/v1/organizations/${w.orgA.id}/billing-accounts`);
      assert.equal(list.status, 200);
      assert.deepEqual(
        (list.json() as { items: Account[] }).items.map((a) => a.alias),
        ["PCUK"],
      );
      const again = await discover();
      assert.equal(again.accounts.find((a) => a.alias === "PCUK")?.connection, "this_organization");
      const audit = await h.modules.audit.list({
        orgId: w.orgA.id,
        action: "billing_account.connected",
        limit: 5,
      });
      assert.equal(audit.items[0]?.targetId, connected.id);
    });

    void test("connecting an alias twice in one organization, or one connected elsewhere, is a conflict", async () => {
      const { ticket } = await discover();
      const twice = await connect(admin, { ticket, accountAlias: "PCUK" });
      assert.equal(twice.status, 409);
      assert.equal(codeOf(twice), "billing_account_already_connected");
      // A refused connection leaves the ticket unused: the user picks another account with it.
      const other = await connect(admin, { ticket, accountAlias: "PINT" });
      assert.equal(other.status, 201, other.body);
      assert.equal((other.json() as Account).eligibility.eligible, false);
      const bAdmin = await h.sessionFor(w.ids.otherOrgAdmin);
      const elsewhere = await connect(
        bAdmin,
        { ticket: (await discover(bAdmin, w.orgB.id)).ticket, accountAlias: "PCUK" },
        w.orgB.id,
      );
      assert.equal(elsewhere.status, 409);
      assert.equal(codeOf(elsewhere), "billing_account_connected_elsewhere");
      assert.match(
        (elsewhere.json() as ErrorBody).error.message,
        /already connected to another organization/,
      );
    });

    void test("a viewer is refused as not an account administrator, a wrong password as bad credentials", async () => {
      const url = `/api/v1/organizations/${w.orgA.id}/billing-accounts/discover`;
      const viewer = await call(admin, "POST", url, {
        userName: "pcviewer",
        password: seed.partnerCloud.password,
      });
      assert.equal(viewer.status, 403);
      assert.equal(codeOf(viewer), "partner_cloud_not_account_admin");
      assert.match((viewer.json() as ErrorBody).error.message, /pcviewer is not an Account Administrator/);
      const wrong = await call(admin, "POST", url, { userName: "pcadmin", password: "not the password" });
      assert.equal(wrong.status, 400);
      assert.equal(codeOf(wrong), "partner_cloud_bad_credentials");
      assert.match((wrong.json() as ErrorBody).error.message, /did not accept the user name pcadmin/);
      const refusals = await h.modules.audit.list({
        orgId: w.orgA.id,
        action: "billing_account.discovery_refused",
        limit: 5,
      });
      assert.deepEqual(
        refusals.items.map((e) => e.details["code"]),
        ["partner_cloud_bad_credentials", "partner_cloud_not_account_admin"],
      );
    });

    void test("a used ticket, an expired ticket and another organization's ticket are refused", async () => {
      const found = await discover();
      assert.equal((await connect(admin, { ticket: found.ticket, accountAlias: "PCCA" })).status, 201);
      const used = await connect(admin, { ticket: found.ticket, accountAlias: "PCLD" });
      assert.equal(used.status, 410);
      assert.match((used.json() as ErrorBody).error.message, /already used/);

      const stale = await discover();
      h.clock.advance(10 * 60_000 + 1);
      const expired = await connect(admin, { ticket: stale.ticket, accountAlias: "PCLD" });
      assert.equal(expired.status, 410);
      assert.match((expired.json() as ErrorBody).error.message, /expired/);

      const bAdmin = await h.sessionFor(w.ids.otherOrgAdmin);
      const foreign = await discover(bAdmin, w.orgB.id);
      const crossed = await connect(admin, { ticket: foreign.ticket, accountAlias: "PCLD" });
      assert.equal(crossed.status, 410);
      assert.match((crossed.json() as ErrorBody).error.message, /another organization/);

      const operator = await h.sessionFor(w.ids.operator);
      const issuedToOther = await connect(operator, {
        ticket: (await discover()).ticket,
        accountAlias: "PCLD",
      });
      assert.equal(issuedToOther.status, 410);
      assert.match((issuedToOther.json() as ErrorBody).error.message, /issued to another user/);

      const notOffered = await connect(admin, { ticket: (await discover()).ticket, accountAlias: "NOPE" });
      assert.equal(notOffered.status, 400);
      assert.equal(codeOf(notOffered), "billing_account_not_offered");
    });

    void test("invalid input is refused field by field", async () => {
      const nowhere = await call(
        await h.sessionFor(w.ids.operator),
        "POST",
        `/api/v1/organizations/org_${"0".repeat(26)}/billing-accounts/discover`,
        pcadmin(),
      );
      assert.equal(nowhere.status, 404);
      const noPassword = await call(
        admin,
        "POST",
        `/api/v1/organizations/${w.orgA.id}/billing-accounts/discover`,
        { userName: "pcadmin" },
      );
      assert.equal(noPassword.status, 400);
      assert.match((noPassword.json() as ErrorBody).error.message, /password is required/);
      const badTicket = await connect(admin, { ticket: "guess", accountAlias: "PCLD" });
      assert.equal(badTicket.status, 400);
      assert.match(
        (badTicket.json() as ErrorBody).error.message,
        /ticket must be the ticket that discover returned/,
      );
      const countries = await call(
        await h.sessionFor(w.ids.operator),
        "PATCH",
        "/api/v1/partner/billing-account-settings",
        {
          supportedCountries: ["Germany"],
        },
      );
      assert.equal(countries.status, 400);
      assert.match((countries.json() as ErrorBody).error.message, /two-letter country code/);
    });

    void test("members without the administrator roles are refused, naming the role needed", async () => {
      const member = await h.sessionFor(w.ids.wsUser);
      const res = await call(
        member,
        "POST",
        `/api/v1/organizations/${w.orgA.id}/billing-accounts/discover`,
        pcadmin(),
      );
      assert.equal(res.status, 403);
      assert.match((res.json() as ErrorBody).error.message, /organization administrator role/);
      const list = await call(member, "GET", `/api/v1/organizations/${w.orgA.id}/billing-accounts`);
      assert.equal(list.status, 403);
      assert.match(
        (list.json() as ErrorBody).error.message,
        /organization administrators and cost-center administrators/,
      );
    });

    void test("a cost-center administrator connects an account to their cost center, not to the organization", async () => {
      const cc = await h.sessionFor(w.ids.ccAdmin);
      const found = await discover(cc);
      const toOrg = await connect(cc, { ticket: found.ticket, accountAlias: "PCLD" });
      assert.equal(toOrg.status, 403);
      assert.match((toOrg.json() as ErrorBody).error.message, /organization administrator role/);
      const toOther = await connect(cc, {
        ticket: found.ticket,
        accountAlias: "PCLD",
        costCenterId: w.cc2.id,
      });
      assert.equal(toOther.status, 403);
      const toOwn = await connect(cc, { ticket: found.ticket, accountAlias: "PCLD", costCenterId: w.cc1.id });
      assert.equal(toOwn.status, 201, toOwn.body);
      const mine = (await call(cc, "GET", `/api/v1/organizations/${w.orgA.id}/billing-accounts`)).json() as {
        items: Account[];
      };
      assert.deepEqual(
        mine.items.map((a) => [a.alias, a.costCenterId]),
        [["PCLD", w.cc1.id]],
      );
      const other = await h.sessionFor(w.ids.otherCcAdmin);
      const id = mine.items[0]?.id ?? "";
      assert.equal((await call(other, "GET", `/api/v1/billing-accounts/${id}`)).status, 403);
      assert.equal((await call(cc, "GET", `/api/v1/billing-accounts/${id}`)).status, 200);
    });

    void test("adding DE to the supported countries makes PCDE eligible", async () => {
      const operator = await h.sessionFor(w.ids.operator);
      const url = "/api/v1/partner/billing-account-settings";
      assert.equal((await call(admin, "PATCH", url, { supportedCountries: ["US"] })).status, 403);
      const before = (await call(operator, "GET", url)).json() as { supportedCountries: string[] };
      assert.deepEqual(before.supportedCountries, ["US", "GB", "CA"]);
      const changed = await call(operator, "PATCH", url, { supportedCountries: ["US", "GB", "CA", "de"] });
      assert.equal(changed.status, 200, changed.body);
      assert.deepEqual((changed.json() as { supportedCountries: string[] }).supportedCountries, [
        "US",
        "GB",
        "CA",
        "DE",
      ]);
      const found = await discover();
      assert.equal(found.accounts.find((a) => a.alias === "PCDE")?.eligibility.eligible, true);
      const audit = await h.modules.audit.list({ action: "billing_account.settings_updated", limit: 1 });
      assert.deepEqual(
        (audit.items[0]?.details["to"] as { supportedCountries: string[] }).supportedCountries,
        ["US", "GB", "CA", "DE"],
      );
      assert.equal(
        (await call(operator, "PATCH", url, { supportedCountries: ["US", "GB", "CA"] })).status,
        200,
      );
    });

    void test("checkEligibility re-reads the account live while the session lasts, then uses the stored facts", async () => {
      const list = (
        await call(admin, "GET", `/api/v1/organizations/${w.orgA.id}/billing-accounts`)
      ).json() as {
        items: Account[];
      };
      const pcuk = list.items.find((a) => a.alias === "PCUK");
      assert.ok(pcuk);
      const live = await h.modules.billingAccounts.checkEligibility(pcuk.id);
      assert.ok(live.ok);
      assert.equal(live.value.source, "live");
      assert.equal(live.value.eligible, true);
      const viaApi = await call(admin, "POST", `/api/v1/billing-accounts/${pcuk.id}/eligibility-checks`);
      assert.equal(viaApi.status, 200);
      assert.equal((viaApi.json() as { source: string }).source, "live");
      const member = await h.sessionFor(w.ids.wsAdmin);
      assert.equal(
        (await call(member, "POST", `/api/v1/billing-accounts/${pcuk.id}/eligibility-checks`)).status,
        403,
      );

      // The partner cloud disables the account: the next check reads it live, says so and records the change.
      const upstream = emu.partnerCloud.account("PCUK");
      assert.ok(upstream);
      upstream.status = "Disabled";
      const disabled = await h.modules.billingAccounts.checkEligibility(pcuk.id);
      assert.ok(disabled.ok);
      assert.deepEqual(
        disabled.value.reasons.map((r) => r.code),
        ["ineligible_inactive"],
      );
      const change = await h.modules.audit.list({
        targetId: pcuk.id,
        action: "billing_account.eligibility_checked",
        limit: 1,
      });
      assert.deepEqual(change.items[0]?.details["changed"], { status: { from: "active", to: "disabled" } });
      upstream.status = "Active";
      assert.equal(must(await h.modules.billingAccounts.checkEligibility(pcuk.id)).eligible, true);

      h.clock.advance(15 * 86_400_000);
      const stored = await h.modules.billingAccounts.checkEligibility(pcuk.id);
      assert.ok(stored.ok);
      assert.equal(stored.value.source, "stored");
      assert.equal(stored.value.eligible, true);
      assert.equal((await h.modules.billingAccounts.checkEligibility("ba_unknown")).ok, false);
      const checks = await h.modules.audit.list({
        targetId: pcuk.id,
        action: "billing_account.eligibility_checked",
        limit: 10,
      });
      assert.deepEqual(
        checks.items.map((e) => [e.actorKind, e.details["source"]]),
        [
          ["system", "stored"],
          ["system", "live"],
          ["system", "live"],
          ["user", "live"],
          ["system", "live"],
        ],
      );
    });

    void test("disconnecting is refused while a provider uses the account, then allowed", async () => {
      // The previous test moved the clock past the console session's lifetime.
      admin = await h.sessionFor(w.ids.orgAdmin);
      const list = (
        await call(admin, "GET", `/api/v1/organizations/${w.orgA.id}/billing-accounts`)
      ).json() as {
        items: Account[];
      };
      const pcca = list.items.find((a) => a.alias === "PCCA");
      assert.ok(pcca);
      let inUse = true;
      h.modules.billingAccounts.registerUsageCheck((id) =>
        Promise.resolve(id === pcca.id && inUse ? ["provider prv_test (Azure production)"] : []),
      );
      const refused = await call(admin, "DELETE", `/api/v1/billing-accounts/${pcca.id}`);
      assert.equal(refused.status, 409);
      assert.equal(codeOf(refused), "billing_account_in_use");
      assert.match((refused.json() as ErrorBody).error.message, /provider prv_test/);
      const member = await h.sessionFor(w.ids.wsAdmin);
      assert.equal((await call(member, "DELETE", `/api/v1/billing-accounts/${pcca.id}`)).status, 403);
      inUse = false;
      assert.equal((await call(admin, "DELETE", `/api/v1/billing-accounts/${pcca.id}`)).status, 204);
      assert.equal((await call(admin, "GET", `/api/v1/billing-accounts/${pcca.id}`)).status, 404);
      const reconnect = await connect(admin, { ticket: (await discover()).ticket, accountAlias: "PCCA" });
      assert.equal(reconnect.status, 201, reconnect.body);
    });

    void test("the password and the partner cloud's token appear in no response, audit record, log line or table", async () => {
      const box = loadSecretBox(h.config).box;
      const sealed = await h.database.query("SELECT session FROM billing_accounts WHERE session IS NOT NULL");
      const tickets = await h.database.query(
        "SELECT session FROM billing_account_tickets WHERE session IS NOT NULL",
      );
      const tokens = [...sealed.rows, ...tickets.rows].map((r) => {
        const opened = box.decrypt(String((r as { session: string }).session));
        assert.ok(opened.ok);
        return (JSON.parse(opened.value) as { bearerToken: string }).bearerToken;
      });
      assert.ok(tokens.length > 0, "some partner-cloud session is kept (encrypted) to look for");
      const secrets = [seed.partnerCloud.password, ...tokens];

      const audit = await h.modules.audit.list({ limit: 1000 });
      const tables = await h.database.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      );
      const dump: string[] = [];
      for (const row of tables.rows) {
        const name = String((row as { table_name: string }).table_name);
        const all = await h.database.query(`SELECT t::text AS line FROM "${name}" t`);
        dump.push(...all.rows.map((r) => String((r as { line: string }).line)));
      }
      assert.ok(logLines.length > 10, "the API and the adapters logged");
      assert.ok(
        logLines.some((l) => l.includes("/v2/authentication/login")),
        "the login request was logged",
      );
      for (const secret of secrets) {
        for (const body of responses)
          assert.ok(!body.includes(secret), `a response carried a secret: ${body}`);
        assert.ok(!JSON.stringify(audit.items).includes(secret), "an audit record carried a secret");
        for (const line of logLines)
          assert.ok(!line.includes(secret), `a log line carried a secret: ${line}`);
        for (const line of dump) assert.ok(!line.includes(secret), "a table holds a secret in clear");
      }
    });
  });
}
