import assert from "node:assert/strict";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import https from "node:https";
import vm from "node:vm";
import { after, before, describe, test } from "node:test";
import { openSignedIn } from "./support/admin-center-sign-in.ts";
import { emulatorBrowser } from "./support/emulator-browser.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

void describe("the customer's admin center: accepting a partner's reseller invitation", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let pcToken: string;
  let n = 0;

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("emu-admin"));
    pcToken = await emulatorClient(emu).token(seed, "https://api.partnercenter.microsoft.com/.default");
  });
  after(async () => {
    await emu.close();
  });

  /** A Microsoft 365 organization that is nobody's customer yet, with a Global Administrator and a plain user. */
  function organization(name = `Northwind ${++n}`) {
    const tenant = emu.state.addTenant({
      domain: `northwind${n}x${randomBytes(3).toString("hex")}.onmicrosoft.com`,
      displayName: name,
    });
    const password = `${randomBytes(9).toString("base64url")}!1a`;
    const admin = emu.state.addUser({
      tenantId: tenant.id,
      alias: "admin",
      displayName: "Admin",
      password,
      roles: ["Global Administrator"],
    });
    const plain = emu.state.addUser({ tenantId: tenant.id, alias: "user", displayName: "User", password });
    return {
      tenant,
      admin: { userName: admin.userPrincipalName, password },
      plain: { userName: plain.userPrincipalName, password },
    };
  }

  const invitation = (partnerId = seed.tenantId) =>
    `/admin/partner-invitation?invType=ResellerRelationship&partnerId=${partnerId}&msppId=0&DAP=false`;

  const customersOfPartner = async () => {
    const res = await emulatorClient(emu).request("GET", "/v1/customers?size=500", {
      headers: { authorization: `Bearer ${pcToken}` },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body["items"] as { id: string; relationshipToPartner: string }[];
  };

  const decisions = async () =>
    (await emulatorClient(emu).request("GET", "/_emulator/relationship-decisions")).body["value"] as {
      customerTenantId: string;
      decision: string;
      outcome: string;
    }[];

  void test("a Global Administrator signs in, sees the partner and the terms, accepts, and the partner now lists the customer as reseller", async () => {
    const org = organization();
    const browser = emulatorBrowser(emu);
    const page = await openSignedIn(browser, invitation(), org.admin);
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /Contoso Partner \(demo\)/);
    assert.match(page.text, /reseller of Microsoft cloud services/);
    assert.match(page.text, /Microsoft Customer Agreement/);
    assert.ok(!(await customersOfPartner()).some((c) => c.id === org.tenant.id), "not a customer before");

    const form = browser.form(page, "Accept");
    const accepted = await browser.post(form.action, { ...form.fields, agree: "yes", decision: "accept" });
    assert.equal(accepted.status, 200, accepted.text);
    assert.match(accepted.text, /You accepted the invitation/);
    const listed = (await customersOfPartner()).find((c) => c.id === org.tenant.id);
    assert.equal(listed?.relationshipToPartner, "reseller");

    const replayed = await browser.get(invitation());
    assert.match(replayed.text, /Already accepted/);
  });

  void test("ten simultaneous accepts create exactly one customer record", async () => {
    const org = organization();
    const browser = emulatorBrowser(emu);
    const form = browser.form(await openSignedIn(browser, invitation(), org.admin), "Accept");
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        browser.post(form.action, { ...form.fields, agree: "yes", decision: "accept" }),
      ),
    );
    assert.ok(answers.every((a) => a.status === 200));
    assert.equal(answers.filter((a) => /You accepted the invitation/.test(a.text)).length, 1);
    assert.equal(answers.filter((a) => /Already accepted/.test(a.text)).length, 9);
    assert.equal(emu.state.partnersOf(org.tenant.id).length, 1);
    assert.equal((await customersOfPartner()).filter((c) => c.id === org.tenant.id).length, 1);
  });

  void test("a user who is not a Global Administrator is told why and cannot accept", async () => {
    const org = organization();
    const browser = emulatorBrowser(emu);
    const page = await openSignedIn(browser, invitation(), org.plain);
    assert.equal(page.status, 403);
    assert.match(page.text, /Only a Global Administrator of Northwind/);
    assert.doesNotMatch(page.text, />Accept</);
    // Even a hand-made post with the session's own CSRF token is refused.
    const adminBrowser = emulatorBrowser(emu);
    const adminForm = adminBrowser.form(await openSignedIn(adminBrowser, invitation(), org.admin), "Accept");
    const forged = await browser.post(adminForm.action, {
      ...adminForm.fields,
      agree: "yes",
      decision: "accept",
    });
    assert.equal(forged.status, 403);
    assert.equal(emu.state.partnersOf(org.tenant.id).length, 0);
  });

  void test("declining is recorded and shown, and the organization does not become a customer", async () => {
    const org = organization();
    const browser = emulatorBrowser(emu);
    const form = browser.form(await openSignedIn(browser, invitation(), org.admin), "Decline");
    const declined = await browser.post(form.action, { ...form.fields, decision: "decline" });
    assert.match(declined.text, /Invitation declined/);
    assert.equal(emu.state.partnersOf(org.tenant.id).length, 0);
    const mine = (await decisions()).filter((d) => d.customerTenantId === org.tenant.id);
    assert.deepEqual(
      mine.map((d) => [d.decision, d.outcome]),
      [["decline", "declined"]],
    );
  });

  void test("an organization with another reseller is told that partner's name and may still accept", async () => {
    const org = organization();
    const other = emu.state.addTenant({
      domain: `fabrikampartner${n}.onmicrosoft.com`,
      displayName: "Fabrikam Partner",
    });
    emu.state.addCustomer({
      id: org.tenant.id,
      commerceId: "c0ffee00-0000-4000-8000-000000000001",
      partnerTenantId: other.id,
      companyName: org.tenant.displayName,
      domain: org.tenant.domain,
      billingProfile: {
        id: "b0",
        email: "ap@northwind.example",
        culture: "en-US",
        language: "en",
        companyName: org.tenant.displayName,
      },
      relationshipToPartner: "reseller",
      createdAt: new Date().toISOString(),
    });
    const browser = emulatorBrowser(emu);
    const page = await openSignedIn(browser, invitation(), org.admin);
    assert.match(page.text, /Fabrikam Partner/);
    assert.match(page.text, /Azure subscriptions billed through another partner stay with that partner/);
    const form = browser.form(page, "Accept");
    const accepted = await browser.post(form.action, { ...form.fields, agree: "yes", decision: "accept" });
    assert.match(accepted.text, /You accepted the invitation/);
    assert.deepEqual(
      emu.state
        .partnersOf(org.tenant.id)
        .map((c) => c.partnerTenantId)
        .sort(),
      [other.id, seed.tenantId].sort(),
    );
  });

  void test("the page asks to sign in first, and a form without the session's CSRF token is refused", async () => {
    const org = organization();
    const browser = emulatorBrowser(emu);
    const first = await browser.get(invitation());
    assert.equal(first.status, 302);
    assert.match(first.location ?? "", /^\/organizations\/oauth2\/v2\.0\/authorize\?client_id=/);
    const form = browser.form(await openSignedIn(browser, invitation(), org.admin), "Accept");
    const forged = await browser.post(form.action, {
      ...form.fields,
      csrf: "forged",
      agree: "yes",
      decision: "accept",
    });
    assert.equal(forged.status, 403);
    assert.equal(emu.state.partnersOf(org.tenant.id).length, 0);
  });

  /** The page exactly as served: its script's text must match the hash its policy names. */
  const raw = (pathname: string) =>
    new Promise<{ status: number; csp: string; text: string }>((resolve, reject) => {
      https
        .get(`${emu.baseUrl}${pathname}`, { ca: emulatorClient(emu).ca }, (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              csp: String(res.headers["content-security-policy"]),
              text,
            }),
          );
        })
        .on("error", reject);
    });

  /** Where the page's script sends a browser that opened `search` + `hash`; null when it stays. */
  const routed = (script: string, search: string, hash: string) => {
    let target: string | null = null;
    vm.runInNewContext(script, {
      location: { search, hash, replace: (to: string) => (target = to) },
    });
    return target;
  };

  void test("Microsoft's admin portal home, in both casings, routes on the part after # with the one script its policy allows", async () => {
    const relationshipId = `${randomUUID()}-${randomUUID()}`;
    const query = `?invType=ResellerRelationship&partnerId=${seed.tenantId}&msppId=0&DAP=false`;
    for (const home of ["/AdminPortal/Home", "/Adminportal/Home"]) {
      const page = await raw(home);
      assert.equal(page.status, 200, page.text);
      const scripts = [...page.text.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? "");
      assert.equal(scripts.length, 1);
      const script = scripts[0] ?? "";
      const hash = createHash("sha256").update(script).digest("base64");
      assert.match(page.csp, new RegExp(`script-src 'sha256-${hash.replace(/[+/]/g, "\\$&")}'`));
      assert.match(page.csp, /default-src 'none'/);

      assert.equal(
        routed(script, "", `#/partners/invitation/granularAdminRelationships/${relationshipId}`),
        `/admin/granular-admin-relationships/${relationshipId}`,
      );
      assert.equal(
        routed(script, query, "#/BillingAccounts/partner-invitation"),
        `/admin/partner-invitation${query}`,
      );
      for (const [search, fragment] of [
        ["", "#/partners/invitation/granularAdminRelationships/..%2F..%2Fmailbox"],
        ["", "#/partners/invitation/granularAdminRelationships/x/../../mailbox"],
        ["", "#/partners/invitation/granularAdminRelationships/"],
        ["", "#/BillingAccounts/partner-invitation"],
        [query, "#/Somewhere/else"],
        ["", ""],
      ] as const)
        assert.equal(routed(script, search, fragment), null, `${search}${fragment} stays`);
    }
  });

  void test("Microsoft's shape of the reseller link reaches the invitation, and without script the page links to it", async () => {
    const org = organization();
    const query = `?invType=ResellerRelationship&partnerId=${seed.tenantId}&msppId=0&DAP=false`;
    const browser = emulatorBrowser(emu);
    const home = await browser.get(`/Adminportal/Home${query}#/BillingAccounts/partner-invitation`);
    assert.equal(home.status, 200);
    const link = /<a href="([^"]*)"/.exec(home.text)?.[1]?.replace(/&amp;/g, "&");
    assert.equal(link, `/admin/partner-invitation${query}`);
    const page = await openSignedIn(browser, link, org.admin);
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /Contoso Partner \(demo\) invites you to a reseller relationship/);
    assert.ok(browser.form(page, "Accept"));

    const gdap = await raw("/AdminPortal/Home");
    assert.doesNotMatch(gdap.text, /<a href=/, "no invitation link without the invitation's query");
    assert.match(gdap.text, /granular-admin-relationships\/\{id\}/);
  });

  void test("the GDAP approval URL's target is the approval page, behind the customer's sign-in", async () => {
    const org = organization();
    const relationshipId = `${randomUUID()}-${randomUUID()}`;
    const script = /<script>([\s\S]*?)<\/script>/.exec((await raw("/AdminPortal/Home")).text)?.[1] ?? "";
    const target = routed(script, "", `#/partners/invitation/granularAdminRelationships/${relationshipId}`);
    assert.ok(target);
    const browser = emulatorBrowser(emu);
    assert.equal((await browser.get(target)).status, 302, "it asks to sign in first");
    const page = await openSignedIn(browser, target, org.admin);
    assert.equal(page.status, 404);
    assert.match(page.text, new RegExp(`There is no partner relationship request ${relationshipId}`));
  });
});
