import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RunningEmulator } from "../src/emulator/index.ts";
import { backends } from "./support/databases.ts";
import { createHarness, must, type Auth, type Harness } from "./support/harness.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";
import { integrationsFor } from "./support/test-integrations.ts";
import { createWorld, type World } from "./support/world.ts";

type ErrorBody = { error: { code: string; message: string } };
type Doc = { kind: string; version: number; title: string; body: string; url: string | null };
type Current = { partnerDisplayName: string | null; partnerTerms: Doc; customerAgreement: Doc };

const SECRETS_KEYS = `k1:${Buffer.alloc(32, 9).toString("base64")}`;
const contact = {
  firstName: "Ada",
  lastName: "Lovelace",
  email: "ada@contoso.example",
  phoneNumber: "+44 20 7946 0000",
};

for (const backend of backends()) {
  void describe(`terms on ${backend.name}`, () => {
    let emu: RunningEmulator;
    let close: () => void;
    let h: Harness;
    let w: World;
    let admin: Auth;
    let operator: Auth;
    let accountId: string;

    before(async () => {
      const started = await startSeededEmulator(`terms-${backend.name}`);
      emu = started.emu;
      const built = await integrationsFor(emu, started.seed, { now: () => new Date("2026-11-02T09:00:00Z") });
      close = built.close;
      h = await createHarness(await backend.open(), { SECRETS_KEYS }, { integrations: built.integrations });
      w = await createWorld(h);
      admin = await h.sessionFor(w.ids.orgAdmin);
      operator = await h.sessionFor(w.ids.operator);
      const accounts = h.modules.billingAccounts.accounts;
      const found = must(
        await accounts.discover(w.operator, w.orgA.id, {
          userName: started.seed.partnerCloud.userName,
          password: started.seed.partnerCloud.password,
        }),
      );
      accountId = must(
        await accounts.connect(w.operator, w.orgA.id, { ticket: found.ticket, accountAlias: "PCUK" }),
      ).id;
    });
    after(async () => {
      await h.close();
      await h.database.close();
      close();
      await emu.close();
    });

    const current = async () => (await h.request(admin, "GET", "/api/v1/terms")).json() as Current;
    const accept = (auth: Auth, body: unknown) =>
      h.request(auth, "POST", `/api/v1/billing-accounts/${accountId}/terms-acceptances`, body, {
        "user-agent": "terms-test/1.0",
      });

    void test("every signed-in user reads version 1 of the partner terms and of the Microsoft Customer Agreement", async () => {
      const res = await h.request(await h.sessionFor(w.ids.wsVisitor), "GET", "/api/v1/terms");
      assert.equal(res.status, 200);
      const terms = res.json() as Current;
      assert.equal(terms.partnerTerms.version, 1);
      assert.equal(terms.customerAgreement.version, 1);
      assert.equal(terms.customerAgreement.url, "https://aka.ms/customeragreement");
      assert.ok(terms.partnerTerms.body.length > 50);
      assert.equal(terms.partnerDisplayName, null);
      assert.equal((await h.request({ kind: "anonymous" }, "GET", "/api/v1/terms")).status, 401);
    });

    void test("the partner's display name for its terms is a partner setting", async () => {
      const res = await h.request(operator, "PATCH", "/api/v1/partner/billing-account-settings", {
        termsDisplayName: "Contoso Cloud Services",
      });
      assert.equal(res.status, 200, res.body);
      assert.equal((await current()).partnerDisplayName, "Contoso Cloud Services");
    });

    void test("accepting the current versions records who, when, which versions, from where, and the contact", async () => {
      assert.equal(await h.modules.billingAccounts.hasAcceptedCurrentTerms(accountId), false);
      const res = await accept(admin, { partnerTermsVersion: 1, customerAgreementVersion: 1, contact });
      assert.equal(res.status, 201, res.body);
      const recorded = res.json() as Record<string, unknown>;
      assert.equal(recorded["acceptedBy"], w.ids.orgAdmin);
      assert.equal(recorded["acceptedAt"], h.clock.now().toISOString());
      assert.equal(recorded["partnerTermsVersion"], 1);
      assert.equal(recorded["customerAgreementVersion"], 1);
      assert.equal(recorded["clientAddress"], "127.0.0.1");
      assert.equal(recorded["userAgent"], "terms-test/1.0");
      assert.deepEqual(recorded["contact"], contact);
      assert.equal(await h.modules.billingAccounts.hasAcceptedCurrentTerms(accountId), true);
      const list = await h.request(admin, "GET", `/api/v1/billing-accounts/${accountId}/terms-acceptances`);
      assert.equal(list.status, 200);
      assert.deepEqual(
        (list.json() as { items: { id: string }[] }).items.map((a) => a.id),
        [recorded["id"]],
      );
      const audit = await h.modules.audit.list({ orgId: w.orgA.id, action: "terms.accepted", limit: 1 });
      assert.equal(audit.items[0]?.targetId, accountId);
    });

    void test("publishing a new version makes earlier acceptances outdated until the new one is accepted", async () => {
      const published = await h.request(operator, "POST", "/api/v1/terms/partner_terms/versions", {
        body: "Version two of the partner's terms.",
      });
      assert.equal(published.status, 201, published.body);
      assert.equal((published.json() as Doc).version, 2);
      assert.equal((await current()).partnerTerms.version, 2);
      assert.equal(await h.modules.billingAccounts.hasAcceptedCurrentTerms(accountId), false);

      const outdated = await accept(admin, { partnerTermsVersion: 1, customerAgreementVersion: 1, contact });
      assert.equal(outdated.status, 409);
      assert.equal((outdated.json() as ErrorBody).error.code, "terms_outdated");
      assert.match(
        (outdated.json() as ErrorBody).error.message,
        /partner terms version 2 and Microsoft Customer Agreement version 1/,
      );
      const accepted = await accept(admin, { partnerTermsVersion: 2, customerAgreementVersion: 1, contact });
      assert.equal(accepted.status, 201);
      assert.equal(await h.modules.billingAccounts.hasAcceptedCurrentTerms(accountId), true);
    });

    void test("only operators publish, and a version needs a body", async () => {
      const refused = await h.request(admin, "POST", "/api/v1/terms/customer_agreement/versions", {
        body: "x",
      });
      assert.equal(refused.status, 403);
      const empty = await h.request(operator, "POST", "/api/v1/terms/customer_agreement/versions", {
        body: "",
      });
      assert.equal(empty.status, 400);
      assert.match((empty.json() as ErrorBody).error.message, /body must not be empty/);
      const unknown = await h.request(operator, "POST", "/api/v1/terms/privacy/versions", { body: "x" });
      assert.equal(unknown.status, 400);
    });

    void test("members without an administrator role cannot accept, and a contact needs a valid e-mail", async () => {
      const { partnerTerms, customerAgreement } = await current();
      const versions = {
        partnerTermsVersion: partnerTerms.version,
        customerAgreementVersion: customerAgreement.version,
      };
      const member = await accept(await h.sessionFor(w.ids.wsAuthor), { ...versions, contact });
      assert.equal(member.status, 403);
      assert.match((member.json() as ErrorBody).error.message, /organization administrators/);
      const outsider = await accept(await h.sessionFor(w.ids.otherOrgAdmin), { ...versions, contact });
      assert.equal(outsider.status, 404);
      const badEmail = await accept(admin, { ...versions, contact: { ...contact, email: "not-an-address" } });
      assert.equal(badEmail.status, 400);
      assert.match((badEmail.json() as ErrorBody).error.message, /contact\.email must be an e-mail address/);
    });
  });

  void describe(`billing accounts without the partner cloud on ${backend.name}`, () => {
    void test("discovering accounts says the partner cloud is not connected", async () => {
      const h = await createHarness(await backend.open());
      try {
        const w = await createWorld(h);
        const res = await h.request(
          await h.sessionFor(w.ids.orgAdmin),
          "POST",
          `/api/v1/organizations/${w.orgA.id}/billing-accounts/discover`,
          { userName: "pcadmin", password: "whatever it is" },
        );
        assert.equal(res.status, 503);
        assert.equal((res.json() as ErrorBody).error.code, "partner_cloud_not_connected");
      } finally {
        await h.close();
        await h.database.close();
      }
    });
  });
}
