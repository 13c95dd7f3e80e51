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
type Task = { id: string; kind: string; state: string; subscriptionId: string; completedBy: string | null };
type Migration = {
  phase: string;
  whoMustAct: string | null;
  summary: string;
  invitation: { sends: number; canResend: boolean; gdapApprovalUrl: string | null } | null;
  gdap: { status: string } | null;
  subscriptions: {
    subscriptionId: string;
    disposition: string;
    state: string;
    targetSubscriptionId: string | null;
  }[];
  tasks: Task[];
};
type Progress = {
  state: string;
  currentStep: string | null;
  waitingFor: string | null;
  migration: Migration | null;
};
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
            { displayName: "Fabrikam Legacy", offer: "EnterpriseAgreement" },
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
      assert.equal(progress.migration?.phase, "invitation_sent");
      assert.equal(progress.migration?.whoMustAct, "customer_admin");
      assert.equal(
        progress.migration?.gdap?.status,
        "approvalPending",
        "the GDAP request waits for approval",
      );
      await deliverMail();
      await turns(3);
      await deliverMail();
      const invitations = sent.filter((m) => m.to.includes("it@fabrikam.example"));
      assert.equal(invitations.length, 1, "one invitation, however often the run looks for the acceptance");
      assert.match(invitations[0]?.text ?? "", /partner-invitation\?invType=ResellerRelationship/);
      assert.match(invitations[0]?.text ?? "", /granularAdminRelationships\//, "the GDAP approval link");
      assert.match(invitations[0]?.text ?? "", /\/migration-invitations\/[\w-]{43}/, "the link to decline");
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
      await turns(4);
      const taking = (
        await h.request(admin, "GET", `/api/v1/providers/${provider.id}/onboarding`)
      ).json() as Progress;
      assert.equal(taking.currentStep, "await-subscriptions", JSON.stringify(taking));
      assert.equal(taking.migration?.phase, "subscriptions_transferring");
      assert.equal(taking.migration?.whoMustAct, "technical_account_manager");
      const dispositions = Object.fromEntries(
        (taking.migration?.subscriptions ?? []).map((s) => [s.subscriptionId, s.disposition]),
      );
      const production = tenant.subscriptions.find((s) => s.displayName === "Fabrikam Production");
      const legacy = tenant.subscriptions.find((s) => s.displayName === "Fabrikam Legacy");
      assert.equal(
        dispositions[production?.subscriptionId ?? ""],
        "transfer",
        "pay-as-you-go transfers whole",
      );
      assert.equal(dispositions[legacy?.subscriptionId ?? ""], "move", "an Enterprise Agreement moves");
      assert.deepEqual(taking.migration?.tasks.map((t) => t.kind).sort(), [
        "move_resources",
        "transfer_subscription",
      ]);

      // Microsoft completes the pay-as-you-go billing transfer: Partner Cloud sees it in Azure and closes the task.
      const emuClient = emulatorClient(emu);
      await emuClient.request(
        "POST",
        `/_emulator/subscriptions/${production?.subscriptionId ?? ""}/billing-transfer`,
        {
          json: { partnerTenantId: seed.tenantId },
        },
      );
      // The technical account manager moves Legacy's resources into a new subscription under the partner.
      const moved = (
        await emuClient.request("POST", `/_emulator/tenants/${tenant.tenantId}/subscriptions`, {
          json: { displayName: "Fabrikam Legacy (CSP)", offer: "AzurePlan", partnerTenantId: seed.tenantId },
        })
      ).body as unknown as { subscriptionId: string };
      const operator = await h.sessionFor(w.ids.operator);
      const open = (await h.request(operator, "GET", "/api/v1/technical-tasks")).json() as { items: Task[] };
      const move = open.items.find((t) => t.kind === "move_resources");
      assert.ok(move, JSON.stringify(open));
      const missing = await h.request(operator, "POST", `/api/v1/technical-tasks/${move.id}/complete`, {});
      assert.equal(missing.status, 400, missing.body);
      assert.match(missing.body, /targetSubscriptionId/);
      const completed = await h.request(operator, "POST", `/api/v1/technical-tasks/${move.id}/complete`, {
        note: "Resources moved on a call with Fabrikam's IT.",
        targetSubscriptionId: moved.subscriptionId,
      });
      assert.equal(completed.status, 200, completed.body);
      await driveRuns(h);
      const done = (await h.request(admin, "GET", `/api/v1/providers/${provider.id}`)).json() as Provider;
      assert.equal(
        done.azure.subscriptionId,
        production?.subscriptionId,
        "the subscription named like the provider",
      );
      for (const managed of [production?.subscriptionId ?? "", moved.subscriptionId]) {
        const scope = `/subscriptions/${managed}`;
        assert.ok(
          emu.state.policyAssignment(scope, ALLOWED_SERVICES_ASSIGNMENT),
          `the allowed services on ${managed}`,
        );
      }
      const finished = (
        await h.request(admin, "GET", `/api/v1/providers/${provider.id}/onboarding`)
      ).json() as Progress;
      assert.equal(finished.migration?.phase, "ready");
      assert.ok(finished.migration?.tasks.every((t) => t.state === "done"));
      assert.equal(
        finished.migration?.tasks.find((t) => t.kind === "transfer_subscription")?.completedBy,
        "partner-cloud",
        "the transfer task closed itself once Azure showed the subscription under the partner",
      );
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
      const actions = audit.items.filter((a) => a.targetId === provider.id).map((a) => a.action);
      for (const action of [
        "migration.invitation_sent",
        "migration.accepted",
        "migration.subscriptions_planned",
        "migration.subscription_under_management",
        "migration.task_completed",
        "onboarding.run_succeeded",
      ])
        assert.ok(
          actions.includes(action),
          `${action} in the organization's audit trail: ${actions.join(", ")}`,
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
