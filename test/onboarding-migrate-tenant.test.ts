import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { DemoSeed, RunningEmulator } from "../src/emulator/index.ts";
import type { OutgoingMail } from "../src/integrations/mail/index.ts";
import { ALLOWED_SERVICES_ASSIGNMENT } from "../src/modules/onboarding/index.ts";
import { openSignedIn } from "./support/admin-center-sign-in.ts";
import { connectedHarness } from "./support/connected-harness.ts";
import { backends } from "./support/databases.ts";
import { emulatorBrowser } from "./support/emulator-browser.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import { type Auth, type Harness } from "./support/harness.ts";
import { billingAccountWithTerms, driveRuns } from "./support/onboarding-world.ts";
import { createWorld, type World } from "./support/world.ts";

type Provider = {
  id: string;
  state: string;
  onboardingRunId: string | null;
  azure: { tenantId: string | null; subscriptionId: string | null; subscriptionName: string | null };
};
type Progress = { state: string; currentStep: string | null; waitingFor: string | null };
type Tenant = {
  tenantId: string;
  domain: string;
  admin: { userName: string; password: string };
  subscriptions: { subscriptionId: string; displayName: string }[];
};

for (const backend of backends()) {
  void describe(`migrating an existing tenant under the partner, on ${backend.name}`, () => {
    let h: Harness;
    let emu: RunningEmulator;
    let seed: DemoSeed;
    let close: () => Promise<void>;
    let w: World;
    let admin: Auth;
    let account: string;
    let tenant: Tenant;
    const sent: OutgoingMail[] = [];
    const deliverMail = () =>
      h.modules.notifications.deliverDue({
        send: (m) => {
          sent.push(m);
          return Promise.resolve();
        },
        close: () => Promise.resolve(),
      });

    /** Lets workers take a few turns (a minute of the fake clock each), as a run that waits for a person needs. */
    const turns = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await h.modules.onboarding.runDue();
        h.clock.advance(61_000);
      }
    };

    before(async () => {
      const started = await connectedHarness(`onboarding-migrate-${backend.name}`, await backend.open());
      ({ h, emu, seed, close } = started);
      w = await createWorld(h);
      admin = await h.sessionFor(w.ids.orgAdmin);
      account = await billingAccountWithTerms(h, w, { ...seed.partnerCloud, alias: "PCUK" });
      const made = await emulatorClient(emu).request("POST", "/_emulator/scenarios", {
        json: {
          scenario: "existing-tenant",
          domainPrefix: "fabrikamold",
          subscriptions: [
            { displayName: "Fabrikam Dev", offer: "PayAsYouGo" },
            { displayName: "Fabrikam Production", offer: "PayAsYouGo" },
          ],
        },
      });
      tenant = made.body as unknown as Tenant;
    });
    after(() => close());

    let provider: Provider;
    void test("the request mails the partner's invitation once and waits for the tenant's administrator", async () => {
      const res = await h.request(admin, "POST", `/api/v1/workspaces/${w.ws1.id}/providers`, {
        name: "Fabrikam Production",
        option: "migrate-tenant",
        billingAccountId: account,
        adminEmail: "it@fabrikam.example",
        primaryDomain: tenant.domain.toUpperCase(),
      });
      assert.equal(res.status, 201, res.body);
      provider = res.json() as Provider;
      await turns(3);
      const progress = (
        await h.request(admin, "GET", `/api/v1/providers/${provider.id}/onboarding`)
      ).json() as Progress;
      assert.equal(progress.currentStep, "await-acceptance");
      assert.match(progress.waitingFor ?? "", /it@fabrikam\.example/);
      await deliverMail();
      await turns(3);
      await deliverMail();
      const invitations = sent.filter((m) => m.to.includes("it@fabrikam.example"));
      assert.equal(invitations.length, 1, "one invitation, however often the run looks for the acceptance");
      assert.match(invitations[0]?.text ?? "", /partner-invitation\?invType=ResellerRelationship/);
      assert.equal(
        emu.state.partnersOf(tenant.tenantId).length,
        0,
        "nothing happens in Microsoft before the admin accepts",
      );
    });

    void test("once the administrator accepts, the tenant becomes the organization's customer and its subscription ready", async () => {
      const link = /https:\/\/\S+partner-invitation\S+/.exec(sent[0]?.text ?? "")?.[0] ?? "";
      const browser = emulatorBrowser(emu);
      const page = await openSignedIn(browser, link.slice(emu.baseUrl.length), tenant.admin);
      const form = browser.form(page, "Accept");
      const accepted = await browser.post(form.action, { ...form.fields, agree: "yes", decision: "accept" });
      assert.match(accepted.text, /You accepted the invitation/);
      await driveRuns(h);
      const done = (await h.request(admin, "GET", `/api/v1/providers/${provider.id}`)).json() as Provider;
      assert.equal(done.state, "ready", JSON.stringify(done));
      assert.equal(done.azure.tenantId, tenant.tenantId);
      const production = tenant.subscriptions.find((s) => s.displayName === "Fabrikam Production");
      assert.equal(
        done.azure.subscriptionId,
        production?.subscriptionId,
        "the subscription named like the provider",
      );
      const scope = `/subscriptions/${done.azure.subscriptionId ?? ""}`;
      assert.ok(emu.state.policyAssignment(scope, ALLOWED_SERVICES_ASSIGNMENT), "the allowed services apply");
      const customer = (
        await h.request(admin, "GET", `/api/v1/organizations/${w.orgA.id}/azure-customer`)
      ).json() as {
        tenantId: string;
        domain: string;
        credentials: string;
      };
      assert.equal(customer.tenantId, tenant.tenantId);
      assert.equal(customer.domain, tenant.domain);
      assert.equal(customer.credentials, "unavailable", "Partner Cloud never knew this tenant's passwords");
      const audit = (
        await h.request(admin, "GET", `/api/v1/organizations/${w.orgA.id}/audit-events?limit=200`)
      ).json() as { items: { action: string; targetId: string }[] };
      assert.ok(
        audit.items.some((a) => a.action === "onboarding.run_succeeded" && a.targetId === provider.id),
      );
    });

    void test("a second migration in the same organization is refused: it has its Azure customer", async () => {
      const res = await h.request(admin, "POST", `/api/v1/workspaces/${w.ws1.id}/providers`, {
        name: "Another tenant",
        option: "migrate-tenant",
        billingAccountId: account,
        adminEmail: "it@other.example",
        primaryDomain: "other.onmicrosoft.com",
      });
      assert.equal(res.status, 409, res.body);
      assert.equal((res.json() as { error: { code: string } }).error.code, "azure_customer_exists");
    });
  });
}
