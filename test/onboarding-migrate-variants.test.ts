import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { DemoSeed, RunningEmulator } from "../src/emulator/index.ts";
import type { OutgoingMail } from "../src/integrations/mail/index.ts";
import { ALLOWED_SERVICES_ASSIGNMENT, roleAssignmentName } from "../src/modules/onboarding/index.ts";
import { connectedHarness } from "./support/connected-harness.ts";
import { backends } from "./support/databases.ts";
import { type Harness } from "./support/harness.ts";
import { billingAccountWithTerms } from "./support/onboarding-world.ts";
import { addOrganization, type Organization } from "./support/onboarding-reliability.ts";
import {
  billingTransfer,
  existingTenant,
  invitationLinks,
  invitationPage,
  newSubscription,
  relationshipDecisions,
  type ExistingTenant,
} from "./support/tenant-migration.ts";
import { createWorld, type World } from "./support/world.ts";

type Provider = {
  id: string;
  state: string;
  failureReason: string | null;
  onboardingRunId: string | null;
  azure: { tenantId: string | null; subscriptionId: string | null };
};
type Task = {
  id: string;
  providerId: string;
  kind: string;
  state: string;
  subscriptionId: string;
  targetSubscriptionId: string | null;
};
type Migration = {
  phase: string;
  whoMustAct: string | null;
  summary: string;
  invitation: {
    sends: number;
    remindersSent: number;
    lastSentAt: string;
    expiresAt: string;
    declineReason: string | null;
  } | null;
  subscriptions: { subscriptionId: string; disposition: string; state: string }[];
  tasks: Task[];
};
type Progress = { state: string; currentStep: string | null; migration: Migration | null };
type ApiError = { error: { code: string; message: string; fields?: { path: string }[] } };
type Method = "GET" | "POST";

const DAY_MS = 86_400_000;
const anonymous = { kind: "anonymous" } as const;

for (const backend of backends()) {
  void describe(`the variants of migrating an existing tenant, on ${backend.name}`, () => {
    let h: Harness;
    let emu: RunningEmulator;
    let seed: DemoSeed;
    let close: () => Promise<void>;
    let w: World;
    const sent: OutgoingMail[] = [];

    /** A request as this user, on a fresh session: the fake clock jumps days, past any session's idle timeout. */
    const call = async (userId: string, method: Method, url: string, body?: unknown) =>
      h.request(await h.sessionFor(userId), method, url, body);
    const errorOf = (res: { json: () => unknown }) => (res.json() as ApiError).error;

    /** Delivers the outbox, then answers every mail this address got so far, oldest first. */
    const mailTo = async (address: string) => {
      await h.modules.notifications.deliverDue({
        send: (m) => {
          sent.push(m);
          return Promise.resolve();
        },
        close: () => Promise.resolve(),
      });
      return sent.filter((m) => m.to.includes(address));
    };

    const progressOf = async (adminId: string, providerId: string) => {
      const res = await call(adminId, "GET", `/api/v1/providers/${providerId}/onboarding`);
      assert.equal(res.status, 200, res.body);
      return res.json() as Progress;
    };
    const providerOf = async (adminId: string, providerId: string) =>
      (await call(adminId, "GET", `/api/v1/providers/${providerId}`)).json() as Provider;

    /** Lets workers take turns (a minute of the fake clock each) until the migration is where `reached` says. */
    const until = async (
      adminId: string,
      providerId: string,
      reached: (m: Migration) => boolean,
      what: string,
    ): Promise<Migration> => {
      let last: Progress | null = null;
      for (let turn = 0; turn < 60; turn++) {
        await h.modules.onboarding.runDue();
        last = await progressOf(adminId, providerId);
        if (last.migration && reached(last.migration)) return last.migration;
        h.clock.advance(61_000);
      }
      assert.fail(`the migration never reached ${what}: ${JSON.stringify(last)}`);
    };

    /** The organization's administrator asks to migrate the tenant; the run goes as far as the invitation. */
    const requestMigration = async (
      org: Pick<Organization, "adminId" | "workspaceId" | "billingAccountId">,
      p: { name: string; adminEmail: string; primaryDomain: string },
    ) => {
      const res = await call(org.adminId, "POST", `/api/v1/workspaces/${org.workspaceId}/providers`, {
        option: "migrate-tenant",
        billingAccountId: org.billingAccountId,
        ...p,
      });
      assert.equal(res.status, 201, res.body);
      const provider = res.json() as Provider;
      await until(org.adminId, provider.id, (m) => m.phase === "invitation_sent", "invitation_sent");
      const mails = await mailTo(p.adminEmail);
      assert.equal(mails.length, 1, "one invitation mail");
      return { provider, runId: provider.onboardingRunId ?? "", links: invitationLinks(mails[0]) };
    };

    const auditOf = async (adminId: string, orgId: string, providerId: string, action: string) => {
      const res = await call(
        adminId,
        "GET",
        `/api/v1/organizations/${orgId}/audit-events?limit=200&action=${action}&targetId=${providerId}`,
      );
      assert.equal(res.status, 200, res.body);
      return (res.json() as { items: { action: string; details: Record<string, unknown> }[] }).items;
    };

    const subscriptionNamed = (tenant: ExistingTenant, name: string) =>
      tenant.subscriptions.find((s) => s.displayName === name)?.subscriptionId ?? "";

    before(async () => {
      ({ h, emu, seed, close } = await connectedHarness(
        `onboarding-migrate-variants-${backend.name}`,
        await backend.open(),
      ));
      w = await createWorld(h);
    });
    after(() => close());

    const world = () => ({ h, w, emu, seed });

    void test("declined through the mail's link: the organization reads why, sends it again, and the administrator accepts", async () => {
      const org = await addOrganization(world(), "decl");
      const tenant = await existingTenant(emu, {
        domainPrefix: "declinedco",
        subscriptions: [{ displayName: "Declined Co", offer: "AzurePlan" }],
      });
      const to = "it@declined.example";
      const { provider, links } = await requestMigration(org, {
        name: "Declined Co",
        adminEmail: to,
        primaryDomain: tenant.domain,
      });

      // Microsoft's own Decline button: Microsoft does not tell partners, so the migration keeps waiting.
      const microsoft = await invitationPage(emu, links.reseller, tenant.admin);
      assert.match((await microsoft.answer("decline")).text, /Invitation declined/);
      assert.deepEqual(
        (await relationshipDecisions(emu, tenant.tenantId)).map((d) => d.outcome),
        ["declined"],
      );
      for (let i = 0; i < 3; i++) {
        await h.modules.onboarding.runDue();
        h.clock.advance(5 * 60_000);
      }
      const still = await progressOf(org.adminId, provider.id);
      assert.equal(still.state, "running");
      assert.equal(still.migration?.phase, "invitation_sent", "nothing changes on Partner Cloud's side");

      const shown = await h.request(anonymous, "GET", `/api/v1/migration-invitations/${links.token}`);
      assert.equal(shown.status, 200, shown.body);
      assert.equal((shown.json() as { state: string }).state, "open");
      const reason = "We stay with our current supplier until the contract ends.";
      const declined = await h.request(
        anonymous,
        "POST",
        `/api/v1/migration-invitations/${links.token}/decline`,
        { reason },
      );
      assert.equal(declined.status, 200, declined.body);
      assert.equal((declined.json() as { state: string }).state, "declined");

      const ended = await until(org.adminId, provider.id, (m) => m.phase !== "invitation_sent", "a decision");
      assert.equal(ended.phase, "declined");
      assert.equal(ended.whoMustAct, "requester");
      assert.ok(ended.summary.includes(reason), ended.summary);
      const failed = await providerOf(org.adminId, provider.id);
      assert.equal(failed.state, "failed");
      assert.ok(failed.failureReason?.includes(reason), failed.failureReason ?? "no reason");

      const again = await h.request(
        anonymous,
        "POST",
        `/api/v1/migration-invitations/${links.token}/decline`,
        {
          reason: "Still no.",
        },
      );
      assert.equal(again.status, 409, again.body);
      assert.equal(errorOf(again).code, "invitation_not_open");

      const resent = await call(
        org.adminId,
        "POST",
        `/api/v1/providers/${provider.id}/migration/invitation/resend`,
      );
      assert.equal(resent.status, 200, resent.body);
      const reopened = resent.json() as Migration;
      assert.equal(reopened.phase, "invitation_sent");
      assert.equal(reopened.invitation?.sends, 2);
      assert.equal(reopened.invitation?.declineReason, null, "a new invitation forgets the decline");
      const mails = await mailTo(to);
      assert.equal(mails.length, 2, "the invitation, then the one sent again");
      assert.match(mails[1]?.subject ?? "", /sent again/);
      const fresh = invitationLinks(mails[1]);
      assert.notEqual(fresh.token, links.token);
      const old = await h.request(anonymous, "GET", `/api/v1/migration-invitations/${links.token}`);
      assert.equal(old.status, 404, old.body);
      assert.equal(errorOf(old).code, "invitation_link_unknown");

      const accepting = await invitationPage(emu, fresh.reseller, tenant.admin);
      assert.match((await accepting.answer("accept")).text, /You accepted the invitation/);
      await until(org.adminId, provider.id, (m) => m.phase === "ready", "ready");
      assert.equal((await providerOf(org.adminId, provider.id)).state, "ready");
    });

    void test("a tenant with another partner: the administrator is told what to do, and once the subscription is ours the provider is ready", async () => {
      const org = await addOrganization(world(), "othr");
      const tenant = await existingTenant(emu, {
        domainPrefix: "northwindcust",
        otherPartner: "Northwind Cloud Partners",
        subscriptions: [
          { displayName: "Plan via Northwind", offer: "AzurePlan" },
          { displayName: "Pay as you go", offer: "PayAsYouGo" },
        ],
      });
      const { provider, links } = await requestMigration(org, {
        name: "Pay as you go",
        adminEmail: "it@northwindcust.example",
        primaryDomain: tenant.domain,
      });

      const page = await invitationPage(emu, links.reseller, tenant.admin);
      assert.match(
        page.page.text,
        /already has a reseller partner: <strong>Northwind Cloud Partners<\/strong>/,
        "Microsoft's page names the other partner",
      );
      assert.match((await page.answer("accept")).text, /You accepted the invitation/);

      const blocked = await until(
        org.adminId,
        provider.id,
        (m) => m.phase === "blocked_by_existing_partner",
        "blocked_by_existing_partner",
      );
      assert.equal(blocked.whoMustAct, "customer_admin");
      assert.match(blocked.summary, /Plan via Northwind/);
      assert.match(blocked.summary, /remove that partner in the Microsoft 365 admin center/);
      assert.match(blocked.summary, /Partner relationships/);
      assert.match(blocked.summary, /transfer the subscription/);
      const plan = subscriptionNamed(tenant, "Plan via Northwind");
      const payg = subscriptionNamed(tenant, "Pay as you go");
      assert.deepEqual(
        Object.fromEntries(blocked.subscriptions.map((s) => [s.subscriptionId, [s.disposition, s.state]])),
        { [plan]: ["other_partner", "blocked"], [payg]: ["transfer", "waiting"] },
      );

      await billingTransfer(emu, plan, seed.tenantId);
      await billingTransfer(emu, payg, seed.tenantId);
      await until(org.adminId, provider.id, (m) => m.phase === "ready", "ready");
      const ready = await providerOf(org.adminId, provider.id);
      assert.equal(ready.state, "ready");
      assert.equal(ready.azure.subscriptionId, payg, "the subscription named like the provider");
    });

    void test("an Enterprise Agreement subscription is moved by the technical account manager into a new one under the partner", async () => {
      const org = await addOrganization(world(), "ea");
      const tenant = await existingTenant(emu, {
        domainPrefix: "eacust",
        subscriptions: [{ displayName: "EA Legacy", offer: "EnterpriseAgreement" }],
      });
      const { provider, runId, links } = await requestMigration(org, {
        name: "EA Workloads",
        adminEmail: "it@eacust.example",
        primaryDomain: tenant.domain,
      });
      await (await invitationPage(emu, links.reseller, tenant.admin)).answer("accept");
      const waiting = await until(
        org.adminId,
        provider.id,
        (m) => m.phase === "subscriptions_transferring",
        "subscriptions_transferring",
      );
      assert.equal(waiting.whoMustAct, "technical_account_manager");
      const ea = subscriptionNamed(tenant, "EA Legacy");
      assert.deepEqual(
        waiting.tasks.map((t) => [t.kind, t.subscriptionId, t.state]),
        [["move_resources", ea, "open"]],
      );
      const taskId = waiting.tasks[0]?.id ?? "";
      const complete = (userId: string, body: unknown) =>
        call(userId, "POST", `/api/v1/technical-tasks/${taskId}/complete`, body);

      const payg = await newSubscription(emu, tenant.tenantId, { displayName: "Trial", offer: "PayAsYouGo" });
      const notOurs = await complete(w.ids.operator, { targetSubscriptionId: payg });
      assert.equal(notOurs.status, 422, notOurs.body);
      assert.equal(errorOf(notOurs).code, "target_subscription_invalid");
      assert.match(errorOf(notOurs).message, /^targetSubscriptionId: .*not under the partner/);
      assert.deepEqual(
        errorOf(notOurs).fields?.map((f) => f.path),
        ["targetSubscriptionId"],
      );
      const notAnId = await complete(w.ids.operator, { targetSubscriptionId: "EA Workloads (CSP)" });
      assert.equal(notAnId.status, 400, notAnId.body);
      assert.match(notAnId.body, /targetSubscriptionId/);

      const moved = await newSubscription(emu, tenant.tenantId, {
        displayName: "EA Workloads",
        offer: "AzurePlan",
        partnerTenantId: seed.tenantId,
      });
      const byCustomer = await complete(org.adminId, { targetSubscriptionId: moved });
      assert.equal(byCustomer.status, 403, byCustomer.body);
      const done = await complete(w.ids.operator, { note: "Moved on a call.", targetSubscriptionId: moved });
      assert.equal(done.status, 200, done.body);
      assert.equal((done.json() as Task).targetSubscriptionId, moved);
      const twice = await complete(w.ids.operator, { targetSubscriptionId: moved });
      assert.equal(twice.status, 409, twice.body);
      assert.equal(errorOf(twice).code, "task_not_open");

      await until(org.adminId, provider.id, (m) => m.phase === "ready", "ready");
      const ready = await providerOf(org.adminId, provider.id);
      assert.equal(ready.state, "ready");
      assert.equal(ready.azure.subscriptionId, moved);
      const role = emu.state.roleAssignment(roleAssignmentName(runId, moved));
      assert.equal(
        role?.scope.toLowerCase(),
        `/subscriptions/${moved}`,
        "Partner Cloud's role on the new one",
      );
      assert.ok(emu.state.policyAssignment(`/subscriptions/${moved}`, ALLOWED_SERVICES_ASSIGNMENT));
      assert.equal(emu.state.roleAssignment(roleAssignmentName(runId, ea)), undefined);
      assert.deepEqual(emu.state.roleAssignmentsUnder(`/subscriptions/${ea}`), [], "nothing on the EA one");
      assert.equal(
        emu.state.policyAssignment(`/subscriptions/${ea}`, ALLOWED_SERVICES_ASSIGNMENT),
        undefined,
      );
    });

    void test("the organization leaves a subscription out: its task is cancelled and the rest become ready", async () => {
      const org = await addOrganization(world(), "leave");
      const tenant = await existingTenant(emu, {
        domainPrefix: "leavecust",
        subscriptions: [
          { displayName: "Keep Production", offer: "PayAsYouGo" },
          { displayName: "Old MSDN sandbox", offer: "MSDN" },
        ],
      });
      const { provider, runId, links } = await requestMigration(org, {
        name: "Keep Production",
        adminEmail: "it@leavecust.example",
        primaryDomain: tenant.domain,
      });
      const sandbox = subscriptionNamed(tenant, "Old MSDN sandbox");
      const production = subscriptionNamed(tenant, "Keep Production");
      const leaveOut = (userId: string, subscriptionId: string) =>
        call(
          userId,
          "POST",
          `/api/v1/providers/${provider.id}/migration/subscriptions/${subscriptionId}/leave-out`,
        );
      const early = await leaveOut(org.adminId, sandbox);
      assert.equal(early.status, 409, early.body);
      assert.equal(errorOf(early).code, "migration_subscriptions_not_open", "not before the tenant is ours");

      await (await invitationPage(emu, links.reseller, tenant.admin)).answer("accept");
      await until(org.adminId, provider.id, (m) => m.tasks.length === 2, "two tasks");
      const notAnId = await leaveOut(w.ids.operator, "not-a-guid");
      assert.equal(notAnId.status, 400, notAnId.body);
      const left = await leaveOut(org.adminId, sandbox);
      assert.equal(left.status, 200, left.body);
      const view = left.json() as Migration;
      assert.equal(view.subscriptions.find((x) => x.subscriptionId === sandbox)?.state, "left_out");
      assert.equal(view.tasks.find((t) => t.subscriptionId === sandbox)?.state, "cancelled");
      const again = await leaveOut(org.adminId, sandbox);
      assert.equal(again.status, 409, again.body);
      assert.equal(errorOf(again).code, "migration_subscription_not_waiting");

      await billingTransfer(emu, production, seed.tenantId);
      await until(org.adminId, provider.id, (m) => m.phase === "ready", "ready");
      assert.ok(emu.state.roleAssignment(roleAssignmentName(runId, production)), "access on the one kept");
      assert.equal(
        emu.state.roleAssignment(roleAssignmentName(runId, sandbox)),
        undefined,
        "none on the one left out",
      );
      const audit = await auditOf(org.adminId, org.orgId, provider.id, "migration.subscription_left_out");
      assert.equal(audit.length, 1);
    });

    void test("the link clicked ten times at once: one relationship, one acceptance, recorded once", async () => {
      const org = await addOrganization(world(), "tenx");
      const tenant = await existingTenant(emu, {
        domainPrefix: "tenclicks",
        subscriptions: [{ displayName: "Ten Clicks", offer: "AzurePlan" }],
      });
      const { provider, runId, links } = await requestMigration(org, {
        name: "Ten Clicks",
        adminEmail: "it@tenclicks.example",
        primaryDomain: tenant.domain,
      });
      const page = await invitationPage(emu, links.reseller, tenant.admin);
      const answers = await Promise.all(Array.from({ length: 10 }, () => page.answer("accept")));
      assert.deepEqual(
        answers.map((a) => a.status),
        Array.from({ length: 10 }, () => 200),
      );
      assert.equal(answers.filter((a) => /You accepted the invitation/.test(a.text)).length, 1);
      assert.equal(answers.filter((a) => /Already accepted/.test(a.text)).length, 9);
      assert.equal(
        emu.state.partnersOf(tenant.tenantId).filter((c) => c.partnerTenantId === seed.tenantId).length,
        1,
        "the tenant is the partner's customer once",
      );
      assert.deepEqual((await relationshipDecisions(emu, tenant.tenantId)).map((d) => d.outcome).sort(), [
        "accepted",
        ...Array.from({ length: 9 }, () => "alreadyAccepted"),
      ]);

      // Partner Center's event may arrive more than once while two workers look for due runs.
      const onboarding = h.modules.onboarding;
      await Promise.all([
        ...Array.from({ length: 3 }, () => onboarding.migrateTenant.acceptedByCustomer(tenant.tenantId)),
        onboarding.runDue(),
        onboarding.runDue(),
      ]);
      await until(org.adminId, provider.id, (m) => m.phase === "ready", "ready");
      const events = await onboarding.engine.eventsOf(runId);
      assert.equal(
        events.filter((e) => e.type === "step_succeeded" && e.stepId === "await-acceptance").length,
        1,
      );
      const steps = await auditOf(org.adminId, org.orgId, provider.id, "onboarding.step_succeeded");
      assert.equal(steps.filter((a) => a.details["stepId"] === "await-acceptance").length, 1);
      assert.equal((await auditOf(org.adminId, org.orgId, provider.id, "migration.accepted")).length, 1);
    });

    let expiring: { providerId: string; to: string };
    void test("expired for a wrong primary domain: each reminder goes once, and the summary says how to find the right domain", async () => {
      const billingAccountId = await billingAccountWithTerms(h, w, { ...seed.partnerCloud, alias: "PCUK" });
      const tenant = await existingTenant(emu, {
        domainPrefix: "wrongdom",
        subscriptions: [{ displayName: "Wrong Domain", offer: "AzurePlan" }],
      });
      const asked = "wrongdomx.onmicrosoft.com";
      const to = "it@wrongdom.example";
      const admin = w.ids.orgAdmin;
      const { provider, links } = await requestMigration(
        { adminId: admin, workspaceId: w.ws1.id, billingAccountId },
        { name: "Wrong Domain", adminEmail: to, primaryDomain: asked },
      );
      expiring = { providerId: provider.id, to };
      // The administrator accepts for the tenant they have, whose primary domain is not the one asked for.
      await (await invitationPage(emu, links.reseller, tenant.admin)).answer("accept");

      const { invitationDays, reminderDays } = h.config.migration;
      assert.deepEqual(reminderDays, [3, 10, 30, 60], "the default reminder days");
      const sentAt = new Date((await progressOf(admin, provider.id)).migration?.invitation?.lastSentAt ?? "");
      const reminders = () => sent.filter((m) => m.to.includes(to) && /^Reminder:/.test(m.subject));
      for (const [i, day] of reminderDays.entries()) {
        h.clock.set(new Date(sentAt.getTime() + day * DAY_MS + 60_000));
        const counted = await Promise.all([
          h.modules.onboarding.migrateTenant.sendDueReminders(),
          h.modules.onboarding.migrateTenant.sendDueReminders(),
        ]);
        assert.equal(counted[0] + counted[1], 1, `one reminder on day ${day}`);
        await h.modules.onboarding.runDue();
        await mailTo(to);
        assert.equal(reminders().length, i + 1, `reminders by day ${day}`);
        const waiting = await progressOf(admin, provider.id);
        assert.equal(waiting.migration?.phase, "invitation_sent", `still waiting on day ${day}`);
        assert.equal(waiting.migration?.invitation?.remindersSent, i + 1);
      }

      h.clock.set(new Date(sentAt.getTime() + invitationDays * DAY_MS + 60_000));
      const late = await Promise.all([
        h.modules.onboarding.migrateTenant.sendDueReminders(),
        h.modules.onboarding.migrateTenant.sendDueReminders(),
      ]);
      assert.deepEqual(late, [0, 0], "no reminder once the invitation expired");
      const expired = await until(admin, provider.id, (m) => m.phase !== "invitation_sent", "an end");
      assert.equal(expired.phase, "expired");
      assert.match(
        expired.summary,
        /no tenant with the primary domain wrongdomx\.onmicrosoft\.com accepted it/,
      );
      assert.match(expired.summary, /Microsoft Entra admin center → Overview → Primary domain/);
      await mailTo(to);
      assert.equal(reminders().length, reminderDays.length, "exactly one mail per reminder day");
      assert.equal(sent.filter((m) => m.to.includes(to)).length, 1 + reminderDays.length);
    });

    void test("only the organization's administrators send the invitation again; another organization does not see it", async () => {
      const { providerId, to } = expiring;
      const url = `/api/v1/providers/${providerId}/migration/invitation/resend`;
      const mailed = (await mailTo(to)).length;
      const member = await call(w.ids.wsUser, "POST", url);
      assert.equal(member.status, 403, member.body);
      const stranger = await call(w.ids.otherOrgAdmin, "POST", url);
      assert.equal(stranger.status, 404, stranger.body);
      const looked = await call(w.ids.otherOrgAdmin, "GET", `/api/v1/providers/${providerId}`);
      assert.equal(looked.status, 404, looked.body);
      const still = await progressOf(w.ids.orgAdmin, providerId);
      assert.equal(still.migration?.phase, "expired");
      assert.equal(still.migration?.invitation?.sends, 1);
      assert.equal((await mailTo(to)).length, mailed, "no mail went");
    });
  });
}
