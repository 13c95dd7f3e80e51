import assert from "node:assert/strict";
import { DAILY_RATED_USAGE_COLUMNS } from "../src/modules/billing/engine/index.ts";
import http from "node:http";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import type { Mailer, OutgoingMail } from "../src/integrations/mail/index.ts";
import { createSecretBox } from "../src/platform/secrets.ts";
import { backends } from "./support/databases.ts";
import { PASSWORD, type Auth, type Harness, type Response } from "./support/harness.ts";
import { connectedHarness } from "./support/connected-harness.ts";
import { emulatorBrowser } from "./support/emulator-browser.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import { contact, driveRuns, instantProvisioning, ukAddress } from "./support/onboarding-world.ts";
import {
  existingTenant,
  invitationLinks,
  invitationPage,
  newSubscription,
} from "./support/tenant-migration.ts";

/** S9: the audit log. Every mutation through the API leaves exactly one record; the log is append-only and chained. */

const COOKIE = "__Host-pc_session";
const OPERATOR_PASSWORD = "the operator's own passphrase";
const NEW_PASSWORD = "a changed admin passphrase";
const WRONG_PASSWORD = "a guessed password 1234";
const anonymous: Auth = { kind: "anonymous" };

type Expected = {
  action: string;
  actorId: string | null;
  actorKind: "user" | "token" | "system";
  orgId: string | null;
  costCenterId: string | null;
  targetType: string;
  targetId: string | null;
};
type Step = { operation: string; requestId: string; at: Date; expected: Expected };
type AuditRow = {
  id: string;
  at: Date;
  actor_id: string | null;
  actor_kind: string;
  org_id: string | null;
  cost_center_id: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  request_id: string | null;
};
type AuditItem = { id: string; at: string; orgId: string | null; action: string; requestId: string | null };

for (const backend of backends()) {
  void describe(`audit log on ${backend.name}`, () => {
    let h: Harness;
    const steps: Step[] = [];
    const secrets: string[] = [PASSWORD, OPERATOR_PASSWORD, NEW_PASSWORD, WRONG_PASSWORD];
    const ids = { operator: "", admin: "", member: "", orgA: "", orgB: "" };
    const sent: OutgoingMail[] = [];
    const mailer: Mailer = {
      send: (m) => {
        sent.push(m);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    let n = 0;
    let close: () => Promise<void>;
    let connected: Awaited<ReturnType<typeof connectedHarness>>;
    const logLines: string[] = [];

    /** Runs one API call under its own x-request-id, one fake second after the previous one. */
    async function step(
      operation: string,
      auth: Auth,
      method: "POST" | "PUT" | "PATCH" | "DELETE",
      url: string,
      body: unknown,
      expected: (res: Response) => Expected | Promise<Expected>,
      status = method === "POST" &&
      !url.endsWith("/disable") &&
      !url.endsWith("/enable") &&
      !url.endsWith("/logout")
        ? 201
        : 0,
    ): Promise<Response> {
      h.clock.advance(1000);
      const requestId = `s9.${operation.replace(/[^A-Za-z0-9]+/g, "-")}.${++n}`;
      const res = await h.request(auth, method, url, body, { "x-request-id": requestId });
      if (status) assert.equal(res.status, status, `${operation}: ${res.body}`);
      else assert.ok(res.status >= 200 && res.status < 300, `${operation}: ${res.status} ${res.body}`);
      assert.equal(res.headers["x-request-id"], requestId, "the correlation id comes back to the client");
      steps.push({ operation, requestId, at: h.clock.now(), expected: await expected(res) });
      return res;
    }

    /** The session a response set, as the browser holds it; its secrets join the list that must never be logged. */
    function sessionOf(res: Response): Auth {
      const raw = res.headers["set-cookie"];
      const line =
        (Array.isArray(raw) ? raw : [raw])
          .filter((c): c is string => typeof c === "string")
          .find((c) => c.startsWith(`${COOKIE}=`)) ?? "";
      const secret = decodeURIComponent(line.split(";")[0]?.slice(COOKIE.length + 1) ?? "");
      const csrf = (res.json() as { csrfToken: string }).csrfToken;
      assert.ok(secret && csrf, "a session was opened");
      secrets.push(secret, csrf);
      return { kind: "session", secret, csrf };
    }

    async function invitationToken(email: string): Promise<string> {
      await h.modules.notifications.deliverDue(mailer);
      const token = /#token=(pci_[A-Za-z0-9_-]{43})/.exec(
        sent.find((m) => m.to.includes(email))?.text ?? "",
      )?.[1];
      assert.ok(token, `an invitation mail to ${email}`);
      secrets.push(token);
      return token;
    }

    const idOf = (res: Response) => (res.json() as { id: string }).id;
    const e = (
      x: Omit<Expected, "actorKind" | "costCenterId"> & Partial<Pick<Expected, "actorKind" | "costCenterId">>,
    ): Expected => ({
      actorKind: "user",
      costCenterId: null,
      ...x,
    });

    before(async () => {
      // Providers are checked live against Microsoft: the drive runs against a seeded emulator.
      // The API logs every request here, so the drive's secrets can be looked for in its log too.
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString("utf8"));
          done();
        },
      });
      connected = await connectedHarness(
        `security-audit-${backend.name}`,
        await backend.open(),
        { LOG_LEVEL: "info" },
        { logStream: sink },
      );
      ({ h, close } = connected);
      const { seed } = connected;
      secrets.push(seed.clientSecret, seed.partnerCloudBilling.password);

      // Setup and sign-in.
      const setup = await step(
        "completeSetup",
        anonymous,
        "POST",
        "/api/v1/setup",
        {
          partnerName: "Audit Partner",
          name: "Olga Operator",
          email: "op@partner.test",
          password: OPERATOR_PASSWORD,
        },
        async (res) => {
          ids.operator = (res.json() as { user: { id: string } }).user.id;
          const partner = (await h.database.query("SELECT id FROM partners")).rows[0]?.["id"];
          return e({
            action: "partner.set_up",
            actorId: ids.operator,
            orgId: null,
            targetType: "partner",
            targetId: String(partner),
          });
        },
      );
      sessionOf(setup);
      await step(
        "signIn (wrong password)",
        anonymous,
        "POST",
        "/api/v1/auth/login",
        { email: "op@partner.test", password: WRONG_PASSWORD },
        () =>
          e({
            action: "session.sign_in_failed",
            actorId: ids.operator,
            actorKind: "system",
            orgId: null,
            targetType: "user",
            targetId: ids.operator,
          }),
        401,
      );
      const op = sessionOf(
        await step(
          "signIn",
          anonymous,
          "POST",
          "/api/v1/auth/login",
          { email: "op@partner.test", password: OPERATOR_PASSWORD },
          () =>
            e({
              action: "session.signed_in",
              actorId: ids.operator,
              orgId: null,
              targetType: "user",
              targetId: ids.operator,
            }),
          200,
        ),
      );

      // Organizations, and their first people, by invitation.
      for (const [key, name] of [
        ["orgA", "Org A"],
        ["orgB", "Org B"],
      ] as const)
        await step("createOrganization", op, "POST", "/api/v1/organizations", { name }, (res) => {
          ids[key] = idOf(res);
          return e({
            action: "organization.created",
            actorId: ids.operator,
            orgId: ids[key],
            targetType: "organization",
            targetId: ids[key],
          });
        });
      const adminInvite = await step(
        "createInvitation",
        op,
        "POST",
        `/api/v1/organizations/${ids.orgA}/invitations`,
        { email: "admin@a.test", orgRole: "admin" },
        (res) =>
          e({
            action: "invitation.created",
            actorId: ids.operator,
            orgId: ids.orgA,
            targetType: "invitation",
            targetId: idOf(res),
          }),
      );
      const admin = sessionOf(
        await step(
          "acceptInvitation",
          anonymous,
          "POST",
          "/api/v1/invitations/accept",
          { token: await invitationToken("admin@a.test"), name: "Ada Admin", password: PASSWORD },
          (res) => {
            ids.admin = (res.json() as { user: { id: string } }).user.id;
            return e({
              action: "invitation.accepted",
              actorId: ids.admin,
              orgId: ids.orgA,
              targetType: "invitation",
              targetId: idOf(adminInvite),
            });
          },
        ),
      );
      await step(
        "createInvitation (org B)",
        op,
        "POST",
        `/api/v1/organizations/${ids.orgB}/invitations`,
        { email: "admin@b.test", orgRole: "admin" },
        (res) =>
          e({
            action: "invitation.created",
            actorId: ids.operator,
            orgId: ids.orgB,
            targetType: "invitation",
            targetId: idOf(res),
          }),
      );
      await step(
        "createInvitation (member)",
        admin,
        "POST",
        `/api/v1/organizations/${ids.orgA}/invitations`,
        { email: "member@a.test", orgRole: "member" },
        (res) =>
          e({
            action: "invitation.created",
            actorId: ids.admin,
            orgId: ids.orgA,
            targetType: "invitation",
            targetId: idOf(res),
          }),
      );
      const memberInvitation = steps.at(-1)?.expected.targetId ?? "";
      sessionOf(
        await step(
          "acceptInvitation (member)",
          anonymous,
          "POST",
          "/api/v1/invitations/accept",
          { token: await invitationToken("member@a.test"), name: "Max Member", password: PASSWORD },
          (res) => {
            ids.member = (res.json() as { user: { id: string } }).user.id;
            return e({
              action: "invitation.accepted",
              actorId: ids.member,
              orgId: ids.orgA,
              targetType: "invitation",
              targetId: memberInvitation,
            });
          },
        ),
      );

      // The organization, its cost centers and workspaces, as its administrator.
      const A = ids.orgA;
      const byAdmin = (x: Omit<Expected, "actorId" | "actorKind" | "orgId">): Expected => ({
        actorId: ids.admin,
        actorKind: "user",
        orgId: A,
        ...x,
      });
      await step(
        "renameOrganization",
        admin,
        "PATCH",
        `/api/v1/organizations/${A}`,
        { name: "Org A Renamed" },
        () =>
          byAdmin({
            action: "organization.renamed",
            costCenterId: null,
            targetType: "organization",
            targetId: A,
          }),
      );
      let cc = "";
      await step(
        "createCostCenter",
        admin,
        "POST",
        `/api/v1/organizations/${A}/cost-centers`,
        { name: "Research" },
        (res) => {
          cc = idOf(res);
          return byAdmin({
            action: "cost_center.created",
            costCenterId: cc,
            targetType: "cost_center",
            targetId: cc,
          });
        },
      );
      await step(
        "renameCostCenter",
        admin,
        "PATCH",
        `/api/v1/cost-centers/${cc}`,
        { name: "Research and Development" },
        () =>
          byAdmin({
            action: "cost_center.renamed",
            costCenterId: cc,
            targetType: "cost_center",
            targetId: cc,
          }),
      );
      await step(
        "addCostCenterAdmin",
        admin,
        "PUT",
        `/api/v1/cost-centers/${cc}/admins/${ids.member}`,
        undefined,
        () =>
          byAdmin({
            action: "cost_center.admin_added",
            costCenterId: cc,
            targetType: "user",
            targetId: ids.member,
          }),
      );
      await step(
        "removeCostCenterAdmin",
        admin,
        "DELETE",
        `/api/v1/cost-centers/${cc}/admins/${ids.member}`,
        undefined,
        () =>
          byAdmin({
            action: "cost_center.admin_removed",
            costCenterId: cc,
            targetType: "user",
            targetId: ids.member,
          }),
      );
      let ws = "";
      await step(
        "createWorkspace",
        admin,
        "POST",
        `/api/v1/organizations/${A}/workspaces`,
        { name: "Lab", costCenterId: cc },
        (res) => {
          ws = idOf(res);
          return byAdmin({
            action: "workspace.created",
            costCenterId: cc,
            targetType: "workspace",
            targetId: ws,
          });
        },
      );
      await step(
        "updateWorkspace",
        admin,
        "PATCH",
        `/api/v1/workspaces/${ws}`,
        { name: "Big Lab", icon: "flask" },
        () =>
          byAdmin({ action: "workspace.updated", costCenterId: cc, targetType: "workspace", targetId: ws }),
      );
      // A provider of the workspace, through its whole life.
      let provider = "";
      const providerUrl = () => `/api/v1/providers/${provider}`;
      const onProvider = (action: string) => () =>
        byAdmin({ action, costCenterId: cc, targetType: "provider", targetId: provider });
      await step(
        "createProvider",
        admin,
        "POST",
        `/api/v1/workspaces/${ws}/providers`,
        {
          name: "Contoso Azure",
          option: "existing-account",
          tenant: seed.tenantDomain,
          subscriptionId: seed.subscriptionId,
          clientId: seed.clientId,
          clientSecret: seed.clientSecret,
        },
        (res) => {
          provider = idOf(res);
          return onProvider("provider.created")();
        },
      );
      await step(
        "renameProvider",
        admin,
        "PATCH",
        providerUrl(),
        { name: "Contoso prod" },
        onProvider("provider.renamed"),
      );
      await step(
        "replaceProviderCredentials",
        admin,
        "PUT",
        `${providerUrl()}/credentials`,
        { tenant: seed.tenantId, clientId: seed.clientId, clientSecret: seed.clientSecret },
        onProvider("provider.credentials_replaced"),
      );
      await step(
        "syncProvider",
        admin,
        "POST",
        `${providerUrl()}/sync`,
        undefined,
        onProvider("provider.synced"),
        200,
      );
      await step(
        "requestProviderShutdown",
        admin,
        "POST",
        `${providerUrl()}/shutdown-requests`,
        { reason: "The project ended" },
        (res) =>
          byAdmin({
            action: "provider.shutdown_requested",
            costCenterId: cc,
            targetType: "shutdown_request",
            targetId: idOf(res),
          }),
      );
      await step("deleteProvider", admin, "DELETE", providerUrl(), undefined, onProvider("provider.deleted"));

      // The organization's webhooks; their signing secrets join the list that must never be logged.
      let webhook = "";
      const onWebhook = (action: string) => () =>
        byAdmin({ action, costCenterId: null, targetType: "webhook", targetId: webhook });
      const createdWebhook = await step(
        "createWebhook",
        admin,
        "POST",
        `/api/v1/organizations/${A}/webhooks`,
        { url: "https://hooks.a.test/partner-cloud", eventTypes: ["provider.ready"] },
        (res) => {
          webhook = idOf(res);
          return onWebhook("webhook.created")();
        },
      );
      secrets.push((createdWebhook.json() as { secret: string }).secret);
      await step(
        "updateWebhook",
        admin,
        "PATCH",
        `/api/v1/webhooks/${webhook}`,
        { eventTypes: ["*"] },
        onWebhook("webhook.updated"),
      );
      const rolled = await step(
        "rollWebhookSecret",
        admin,
        "POST",
        `/api/v1/webhooks/${webhook}/roll-secret`,
        undefined,
        onWebhook("webhook.secret_rolled"),
        200,
      );
      secrets.push((rolled.json() as { secret: string }).secret);
      await step(
        "sendWebhookTest",
        admin,
        "POST",
        `/api/v1/webhooks/${webhook}/test`,
        undefined,
        onWebhook("webhook.tested"),
        202,
      );
      await step(
        "deleteWebhook",
        admin,
        "DELETE",
        `/api/v1/webhooks/${webhook}`,
        undefined,
        onWebhook("webhook.deleted"),
      );
      await step(
        "setWorkspaceMember",
        admin,
        "PUT",
        `/api/v1/workspaces/${ws}/members/${ids.member}`,
        { role: "author" },
        () =>
          byAdmin({
            action: "workspace.member_set",
            costCenterId: cc,
            targetType: "user",
            targetId: ids.member,
          }),
      );
      await step(
        "removeWorkspaceMember",
        admin,
        "DELETE",
        `/api/v1/workspaces/${ws}/members/${ids.member}`,
        undefined,
        () =>
          byAdmin({
            action: "workspace.member_removed",
            costCenterId: cc,
            targetType: "user",
            targetId: ids.member,
          }),
      );
      // A partner cloud account: discovered, connected, checked, its terms accepted, disconnected.
      secrets.push(seed.partnerCloud.password);
      let ticket = "";
      let account = "";
      const onAccount = (action: string) => () =>
        byAdmin({ action, costCenterId: null, targetType: "billing_account", targetId: account });
      const discoverAndConnect = async (again: string) => {
        await step(
          `discoverBillingAccounts${again}`,
          admin,
          "POST",
          `/api/v1/organizations/${A}/billing-accounts/discover`,
          { userName: seed.partnerCloud.userName, password: seed.partnerCloud.password },
          (res) => {
            ticket = (res.json() as { ticket: string }).ticket;
            return byAdmin({
              action: "billing_account.discovered",
              costCenterId: null,
              targetType: "organization",
              targetId: A,
            });
          },
          200,
        );
        await step(
          `connectBillingAccount${again}`,
          admin,
          "POST",
          `/api/v1/organizations/${A}/billing-accounts`,
          { ticket, accountAlias: "PCUK" },
          (res) => {
            account = idOf(res);
            return onAccount("billing_account.connected")();
          },
        );
      };
      await discoverAndConnect("");
      await step(
        "checkBillingAccountEligibility",
        admin,
        "POST",
        `/api/v1/billing-accounts/${account}/eligibility-checks`,
        undefined,
        onAccount("billing_account.eligibility_checked"),
        200,
      );
      const terms = (await h.request(admin, "GET", "/api/v1/terms")).json() as {
        partnerTerms: { version: number };
        customerAgreement: { version: number };
      };
      const acceptTerms = (again: string) =>
        step(
          `acceptTerms${again}`,
          admin,
          "POST",
          `/api/v1/billing-accounts/${account}/terms-acceptances`,
          {
            partnerTermsVersion: terms.partnerTerms.version,
            customerAgreementVersion: terms.customerAgreement.version,
            contact: { firstName: "Ada", lastName: "Admin", email: "admin@a.test" },
          },
          onAccount("terms.accepted"),
        );
      await acceptTerms("");
      await step(
        "disconnectBillingAccount",
        admin,
        "DELETE",
        `/api/v1/billing-accounts/${account}`,
        undefined,
        onAccount("billing_account.disconnected"),
      );
      // Connected again, its terms accepted again, and new Azure customers billed on it.
      await discoverAndConnect(" (again)");
      await acceptTerms(" (again)");
      // One onboarding fails and is retried, one gets stuck and is resumed, one is
      // cancelled; the creator then sees the customer's credentials once.
      const emu = emulatorClient(connected.emu);
      await instantProvisioning(connected.emu);
      const newCustomer = async (operation: string, name: string, customer?: unknown) => {
        let created = { id: "", onboardingRunId: "" };
        await step(
          operation,
          admin,
          "POST",
          `/api/v1/workspaces/${ws}/providers`,
          { name, option: "new-customer", billingAccountId: account, ...(customer ? { customer } : {}) },
          (res) => {
            created = res.json() as typeof created;
            return byAdmin({
              action: "provider.created",
              costCenterId: cc,
              targetType: "provider",
              targetId: created.id,
            });
          },
        );
        return created.onboardingRunId;
      };
      const onRun = (runId: string, action: string) => () =>
        e({ action, actorId: ids.operator, orgId: A, targetType: "onboarding_run", targetId: runId });
      await emu.request("POST", "/_emulator/faults", {
        json: {
          route: "POST /v1/customers/:id/carts/:cartId/checkout",
          kind: "status",
          status: 400,
          times: 1,
        },
      });
      const failing = await newCustomer("createProvider (new customer)", "Contoso new", {
        companyName: "Contoso Audit",
        address: ukAddress,
        contact,
      });
      await driveRuns(h);
      await step(
        "retryOnboardingRun",
        op,
        "POST",
        `/api/v1/onboarding-runs/${failing}/retry`,
        undefined,
        onRun(failing, "onboarding.retry_requested"),
        200,
      );
      await driveRuns(h);
      await emu.request("POST", "/_emulator/faults", {
        json: {
          route: "PUT /providers/Microsoft.Subscription/aliases/:name",
          kind: "status",
          status: 503,
          times: 10_000,
        },
      });
      const stuck = await newCustomer("createProvider (second subscription)", "Contoso second");
      await driveRuns(h);
      await emu.request("DELETE", "/_emulator/faults");
      await step(
        "resumeOnboardingRun",
        op,
        "POST",
        `/api/v1/onboarding-runs/${stuck}/resume`,
        undefined,
        onRun(stuck, "onboarding.resumed"),
        200,
      );
      await driveRuns(h);
      const cancelled = await newCustomer("createProvider (to cancel)", "Contoso cancelled");
      await step(
        "cancelOnboardingRun",
        op,
        "POST",
        `/api/v1/onboarding-runs/${cancelled}/cancel`,
        { reason: "Asked for by mistake" },
        onRun(cancelled, "onboarding.cancel_requested"),
        200,
      );
      const revealed = await step(
        "revealAzureCustomerCredentials",
        admin,
        "POST",
        `/api/v1/organizations/${A}/azure-customer/credentials/reveal`,
        { password: PASSWORD },
        async () => {
          const customer = (
            await h.request(admin, "GET", `/api/v1/organizations/${A}/azure-customer`)
          ).json() as {
            id: string;
          };
          return byAdmin({
            action: "azure_customer.credentials_shown",
            costCenterId: null,
            targetType: "azure_customer",
            targetId: customer.id,
          });
        },
        200,
      );
      secrets.push((revealed.json() as { password: string }).password);

      // A customer's own tenant migrated under the partner, in organization B (A has its Azure customer already).
      // Its administrator declines through the mail's link, the invitation is sent again and accepted, and an
      // operator completes the technical account manager's task; the link's tokens join the secrets.
      const B = ids.orgB;
      const inB = (
        x: Omit<Expected, "actorId" | "actorKind" | "orgId" | "costCenterId">,
        costCenterId = "",
      ) => e({ actorId: ids.operator, orgId: B, costCenterId: costCenterId || null, ...x });
      let ccB = "";
      await step(
        "createCostCenter (org B)",
        op,
        "POST",
        `/api/v1/organizations/${B}/cost-centers`,
        { name: "Migration" },
        (res) => {
          ccB = idOf(res);
          return inB({ action: "cost_center.created", targetType: "cost_center", targetId: ccB }, ccB);
        },
      );
      let wsB = "";
      await step(
        "createWorkspace (org B)",
        op,
        "POST",
        `/api/v1/organizations/${B}/workspaces`,
        { name: "Migrated", costCenterId: ccB },
        (res) => {
          wsB = idOf(res);
          return inB({ action: "workspace.created", targetType: "workspace", targetId: wsB }, ccB);
        },
      );
      const discoveredForB = await step(
        "discoverBillingAccounts (org B)",
        op,
        "POST",
        `/api/v1/organizations/${B}/billing-accounts/discover`,
        { userName: seed.partnerCloud.userName, password: seed.partnerCloud.password },
        () => inB({ action: "billing_account.discovered", targetType: "organization", targetId: B }),
        200,
      );
      let accountB = "";
      const onAccountB = (action: string) => () =>
        inB({ action, targetType: "billing_account", targetId: accountB });
      await step(
        "connectBillingAccount (org B)",
        op,
        "POST",
        `/api/v1/organizations/${B}/billing-accounts`,
        { ticket: (discoveredForB.json() as { ticket: string }).ticket, accountAlias: "PCCA" },
        (res) => {
          accountB = idOf(res);
          return onAccountB("billing_account.connected")();
        },
      );
      await step(
        "acceptTerms (org B)",
        op,
        "POST",
        `/api/v1/billing-accounts/${accountB}/terms-acceptances`,
        {
          partnerTermsVersion: terms.partnerTerms.version,
          customerAgreementVersion: terms.customerAgreement.version,
          contact: { firstName: "Olga", lastName: "Operator", email: "op@partner.test" },
        },
        onAccountB("terms.accepted"),
      );
      const tenant = await existingTenant(connected.emu, {
        domainPrefix: "auditmigrate",
        subscriptions: [
          { displayName: "Audit Legacy", offer: "EnterpriseAgreement" },
          { displayName: "Audit sandbox", offer: "MSDN" },
        ],
      });
      secrets.push(tenant.admin.password);
      const tenantAdminEmail = "it@auditmigrate.example";
      let migrating = "";
      const onMigrating =
        (action: string, actor: "operator" | "system" = "operator") =>
        () =>
          actor === "operator"
            ? inB({ action, targetType: "provider", targetId: migrating })
            : e({
                action,
                actorId: null,
                actorKind: "system",
                orgId: B,
                targetType: "provider",
                targetId: migrating,
              });
      await step(
        "createProvider (migration)",
        op,
        "POST",
        `/api/v1/workspaces/${wsB}/providers`,
        {
          name: "Audit migration",
          option: "migrate-tenant",
          billingAccountId: accountB,
          adminEmail: tenantAdminEmail,
          primaryDomain: tenant.domain,
        },
        (res) => {
          migrating = idOf(res);
          return inB({ action: "provider.created", targetType: "provider", targetId: migrating }, ccB);
        },
      );
      type MigrationProgress = {
        migration: { phase: string; tasks: { id: string; subscriptionId: string }[] } | null;
      };
      /** Workers take turns (a fake minute apart) until the migration's phase is `phase`. */
      const untilPhase = async (phase: string) => {
        for (let turn = 0; turn < 60; turn++) {
          await h.modules.onboarding.runDue();
          const progress = (
            await h.request(op, "GET", `/api/v1/providers/${migrating}/onboarding`)
          ).json() as MigrationProgress;
          if (progress.migration?.phase === phase) return progress.migration;
          h.clock.advance(61_000);
        }
        assert.fail(`the migration never reached ${phase}`);
      };
      /** The links of the newest invitation mail to the tenant's administrator; its token joins the secrets. */
      const latestLinks = async () => {
        await h.modules.notifications.deliverDue(mailer);
        const links = invitationLinks(sent.filter((m) => m.to.includes(tenantAdminEmail)).at(-1));
        secrets.push(links.token);
        return links;
      };
      await untilPhase("invitation_sent");
      await step(
        "declineMigrationInvitation",
        anonymous,
        "POST",
        `/api/v1/migration-invitations/${(await latestLinks()).token}/decline`,
        { reason: "We decide next quarter." },
        onMigrating("migration.invitation_declined", "system"),
        200,
      );
      await untilPhase("declined");
      await step(
        "resendMigrationInvitation",
        op,
        "POST",
        `/api/v1/providers/${migrating}/migration/invitation/resend`,
        undefined,
        onMigrating("migration.invitation_resent"),
        200,
      );
      const accepting = await invitationPage(connected.emu, (await latestLinks()).reseller, tenant.admin);
      assert.match((await accepting.answer("accept")).text, /You accepted the invitation/);
      const transferring = await untilPhase("subscriptions_transferring");
      const moved = await newSubscription(connected.emu, tenant.tenantId, {
        displayName: "Audit Legacy (CSP)",
        offer: "AzurePlan",
        partnerTenantId: seed.tenantId,
      });
      const subscriptionOf = (name: string) =>
        tenant.subscriptions.find((x) => x.displayName === name)?.subscriptionId ?? "";
      await step(
        "leaveOutMigrationSubscription",
        op,
        "POST",
        `/api/v1/providers/${migrating}/migration/subscriptions/${subscriptionOf("Audit sandbox")}/leave-out`,
        undefined,
        onMigrating("migration.subscription_left_out"),
        200,
      );
      const legacyTask = transferring.tasks.find((t) => t.subscriptionId === subscriptionOf("Audit Legacy"));
      await step(
        "completeTechnicalTask",
        op,
        "POST",
        `/api/v1/technical-tasks/${legacyTask?.id ?? ""}/complete`,
        { targetSubscriptionId: moved, note: "Resources moved with the customer's IT." },
        onMigrating("migration.task_completed"),
        200,
      );
      // The partner's allowed-services presets, and a drift check an operator runs.
      const byOperator = (action: string, targetType: string, targetId: string | null) => () =>
        e({ action, actorId: ids.operator, orgId: null, targetType, targetId });
      await step(
        "createAllowedServicesPreset",
        op,
        "POST",
        "/api/v1/allowed-services/presets",
        { id: "audit-preset", label: "Audit preset", serviceIds: ["virtual-machines"] },
        byOperator("allowed_services.preset_created", "allowed_services_preset", "audit-preset"),
      );
      await step(
        "updateAllowedServicesPreset",
        op,
        "PATCH",
        "/api/v1/allowed-services/presets/audit-preset",
        { serviceIds: ["virtual-machines", "storage-accounts"] },
        byOperator("allowed_services.preset_updated", "allowed_services_preset", "audit-preset"),
      );
      await step(
        "updateAllowedServicesSettings",
        op,
        "PATCH",
        "/api/v1/allowed-services/settings",
        { defaultPresetId: "iaas" },
        byOperator("allowed_services.settings_updated", "partner_settings", null),
      );
      await step(
        "deleteAllowedServicesPreset",
        op,
        "DELETE",
        "/api/v1/allowed-services/presets/audit-preset",
        undefined,
        byOperator("allowed_services.preset_deleted", "allowed_services_preset", "audit-preset"),
      );
      await step(
        "runDriftCheck",
        op,
        "POST",
        "/api/v1/drift-checks",
        undefined,
        byOperator("drift.check_run", "drift_check", null),
        200,
      );
      // A price plan for organization A; the partner's exchange rate, billing policy and routing of a customer's usage.
      await step(
        "createPricePlan",
        admin,
        "POST",
        `/api/v1/organizations/${A}/price-plans`,
        { effectiveFrom: "2030-01", markupPercent: "12.5", categoryMarkups: { "Virtual Machines": "5" } },
        (res) =>
          byAdmin({
            action: "billing.price_plan_created",
            costCenterId: null,
            targetType: "price_plan",
            targetId: idOf(res),
          }),
      );
      await step(
        "setExchangeRate",
        op,
        "PUT",
        "/api/v1/billing/exchange-rates/USD/EUR/2026-10",
        { rate: "0.92" },
        byOperator("billing.exchange_rate_set", "exchange_rate", "USD/EUR/2026-10"),
      );
      await step(
        "deleteExchangeRate",
        op,
        "DELETE",
        "/api/v1/billing/exchange-rates/USD/EUR/2026-10",
        undefined,
        byOperator("billing.exchange_rate_deleted", "exchange_rate", "USD/EUR/2026-10"),
      );
      const usageImported = await step(
        "importUsageFile",
        op,
        "POST",
        "/api/v1/billing/usage-imports",
        JSON.stringify(`${DAILY_RATED_USAGE_COLUMNS.join(",")}\r\n`),
        (res) => byOperator("usage.file_imported", "usage_import", (res.json() as { id: string }).id)(),
        200,
      );
      assert.equal((usageImported.json() as { state: string }).state, "done");
      await step(
        "pullUnbilledUsage",
        op,
        "POST",
        "/api/v1/billing/usage-pulls",
        { period: "current" },
        (res) => byOperator("usage.pulled", "usage_import", (res.json() as { id: string }).id)(),
        200,
      );
      await step(
        "updateBillingSettings",
        op,
        "PUT",
        "/api/v1/billing/settings",
        { label: "Integrated Azure Services Usage", splitServices: true, timing: "arrears" },
        byOperator("billing.settings_updated", "billing_settings", null),
      );
      await step(
        "assignUsage",
        op,
        "PUT",
        "/api/v1/billing/usage-assignments/00000000-0000-0000-0000-0000000000ab",
        { billingAccountId: account },
        () =>
          e({
            action: "billing.usage_assigned",
            actorId: ids.operator,
            orgId: A,
            targetType: "billing_account",
            targetId: account,
          }),
      );
      // October's invoice of the billing account: drafted by the organization's administrator, finalized, posted to
      // the partner cloud and credited by an operator.
      const onInvoice = (action: string, who: "admin" | "operator") => (res: Response) =>
        e({
          action,
          actorId: who === "admin" ? ids.admin : ids.operator,
          orgId: A,
          targetType: "invoice",
          targetId: idOf(res),
        });
      const drafted = await step(
        "draftInvoice",
        admin,
        "POST",
        `/api/v1/billing-accounts/${account}/invoices/2026-10/draft`,
        undefined,
        onInvoice("invoice.drafted", "admin"),
        200,
      );
      const invoiceId = idOf(drafted);
      await step(
        "finalizeInvoice",
        op,
        "POST",
        `/api/v1/invoices/${invoiceId}/finalize`,
        undefined,
        onInvoice("invoice.finalized", "operator"),
        200,
      );
      await step(
        "postInvoice",
        op,
        "POST",
        `/api/v1/invoices/${invoiceId}/post`,
        undefined,
        onInvoice("invoice.posted", "operator"),
        200,
      );
      await step(
        "creditInvoice",
        op,
        "POST",
        `/api/v1/invoices/${invoiceId}/credit-notes`,
        { reason: "Billed to the wrong account" },
        () =>
          e({
            action: "invoice.credited",
            actorId: ids.operator,
            orgId: A,
            targetType: "invoice",
            targetId: invoiceId,
          }),
      );
      // The partner administrator's sign-in with Microsoft (through the emulator's sign-in page), then forgotten.
      const callback = "http://localhost:8080/api/v1/partner/microsoft-connection/callback";
      const registered = await emulatorClient(connected.emu).request(
        "POST",
        `/_emulator/apps/${seed.clientId}/redirect-uris`,
        { json: { uri: callback } },
      );
      assert.equal(registered.status, 201);
      const signIn = await step(
        "startMicrosoftSignIn",
        op,
        "POST",
        "/api/v1/partner/microsoft-connection/sign-in",
        undefined,
        byOperator("microsoft_connection.sign_in_started", "microsoft_connection", null),
      );
      const browser = emulatorBrowser(connected.emu);
      const signInPage = await browser.get((signIn.json() as { authorizeUrl: string }).authorizeUrl);
      const signInForm = browser.form(signInPage, "Sign in");
      const answer = await browser.post(signInForm.action, {
        ...signInForm.fields,
        login: seed.partnerAdmin.userName,
        passwd: seed.partnerAdmin.password,
        action: "signin",
      });
      const back = new URL(answer.location ?? "");
      secrets.push(seed.partnerAdmin.password, back.searchParams.get("code") ?? "");
      const arrived = await h.request(anonymous, "GET", `${back.pathname}${back.search}`);
      assert.equal(arrived.headers["location"], "/microsoft-connection?signedIn=1");
      const [kept] = (
        await h.database.query("SELECT user_object_id, refresh_token_sealed FROM microsoft_partner_sign_in")
      ).rows;
      const refreshToken = createSecretBox(h.config.secrets.keys).decrypt(
        String(kept?.["refresh_token_sealed"]),
      );
      assert.ok(refreshToken.ok);
      secrets.push(refreshToken.value);
      await step(
        "signOutOfMicrosoft",
        op,
        "DELETE",
        "/api/v1/partner/microsoft-connection",
        undefined,
        byOperator(
          "microsoft_connection.signed_out",
          "microsoft_connection",
          String(kept?.["user_object_id"]),
        ),
      );
      await step(
        "updateBillingAccountSettings",
        op,
        "PATCH",
        "/api/v1/partner/billing-account-settings",
        { supportedCountries: ["US", "GB", "CA", "DE"] },
        () =>
          e({
            action: "billing_account.settings_updated",
            actorId: ids.operator,
            orgId: null,
            targetType: "partner_settings",
            targetId: null,
          }),
      );
      await step(
        "publishTermsVersion",
        op,
        "POST",
        "/api/v1/terms/partner_terms/versions",
        { body: "The partner's terms, second version." },
        () =>
          e({
            action: "terms.published",
            actorId: ids.operator,
            orgId: null,
            targetType: "terms",
            targetId: "partner_terms:2",
          }),
      );
      await step("deleteWorkspace", admin, "DELETE", `/api/v1/workspaces/${ws}`, undefined, () =>
        byAdmin({ action: "workspace.deleted", costCenterId: cc, targetType: "workspace", targetId: ws }),
      );
      await step("deleteCostCenter", admin, "DELETE", `/api/v1/cost-centers/${cc}`, undefined, () =>
        byAdmin({ action: "cost_center.deleted", costCenterId: cc, targetType: "cost_center", targetId: cc }),
      );

      // Users and invitations.
      await step("updateUser", admin, "PATCH", `/api/v1/users/${ids.member}`, { name: "Maxine Member" }, () =>
        byAdmin({ action: "user.updated", costCenterId: null, targetType: "user", targetId: ids.member }),
      );
      await step("disableUser", admin, "POST", `/api/v1/users/${ids.member}/disable`, undefined, () =>
        byAdmin({ action: "user.disabled", costCenterId: null, targetType: "user", targetId: ids.member }),
      );
      await step("enableUser", admin, "POST", `/api/v1/users/${ids.member}/enable`, undefined, () =>
        byAdmin({ action: "user.enabled", costCenterId: null, targetType: "user", targetId: ids.member }),
      );
      let doomed = "";
      await step(
        "createInvitation (to revoke)",
        admin,
        "POST",
        `/api/v1/organizations/${A}/invitations`,
        { email: "later@a.test", orgRole: "member" },
        (res) => {
          doomed = idOf(res);
          return byAdmin({
            action: "invitation.created",
            costCenterId: null,
            targetType: "invitation",
            targetId: doomed,
          });
        },
      );
      await step("revokeInvitation", admin, "DELETE", `/api/v1/invitations/${doomed}`, undefined, () =>
        byAdmin({
          action: "invitation.revoked",
          costCenterId: null,
          targetType: "invitation",
          targetId: doomed,
        }),
      );

      // The administrator's own things.
      await step("addFavorite", admin, "PUT", `/api/v1/me/favorites/${A}`, undefined, () =>
        byAdmin({ action: "user.favorite_added", costCenterId: null, targetType: "scope", targetId: A }),
      );
      await step("removeFavorite", admin, "DELETE", `/api/v1/me/favorites/${A}`, undefined, () =>
        byAdmin({ action: "user.favorite_removed", costCenterId: null, targetType: "scope", targetId: A }),
      );
      let tokenId = "";
      const created = await step(
        "createMyToken",
        admin,
        "POST",
        "/api/v1/me/tokens",
        { name: "automation", scope: "write" },
        (res) => {
          tokenId = (res.json() as { token: { id: string } }).token.id;
          return byAdmin({
            action: "api_token.created",
            costCenterId: null,
            targetType: "api_token",
            targetId: tokenId,
          });
        },
      );
      const token: Auth = { kind: "token", secret: (created.json() as { secret: string }).secret };
      secrets.push(token.secret);
      await step(
        "createCostCenter (API token)",
        token,
        "POST",
        `/api/v1/organizations/${A}/cost-centers`,
        { name: "Automated" },
        (res) => ({
          ...byAdmin({
            action: "cost_center.created",
            costCenterId: idOf(res),
            targetType: "cost_center",
            targetId: idOf(res),
          }),
          actorKind: "token",
        }),
      );
      await step("revokeMyToken", admin, "DELETE", `/api/v1/me/tokens/${tokenId}`, undefined, () =>
        byAdmin({
          action: "api_token.revoked",
          costCenterId: null,
          targetType: "api_token",
          targetId: tokenId,
        }),
      );
      await step(
        "changeMyPassword",
        admin,
        "POST",
        "/api/v1/me/password",
        { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
        () =>
          byAdmin({
            action: "user.password_changed",
            costCenterId: null,
            targetType: "user",
            targetId: ids.admin,
          }),
        204,
      );
      await step("signOut", admin, "POST", "/api/v1/auth/logout", undefined, () =>
        byAdmin({
          action: "session.signed_out",
          costCenterId: null,
          targetType: "user",
          targetId: ids.admin,
        }),
      );

      // Partner Center's delivery: a genuine one, caught on its way and sent on under this drive's request id.
      const caught: { body: string; headers: http.IncomingHttpHeaders }[] = [];
      const catcher = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          caught.push({ body: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => catcher.listen(0, "127.0.0.1", resolve));
      const catcherAddress = catcher.address();
      const catcherPort = typeof catcherAddress === "object" && catcherAddress ? catcherAddress.port : 0;
      const partnerCenter = h.modules.integrations?.partnerCenter;
      assert.ok(partnerCenter, "the drive is connected to the emulator");
      assert.ok(
        (
          await partnerCenter.registerWebhook({
            url: `http://127.0.0.1:${catcherPort}/caught`,
            events: ["test-created"],
          })
        ).ok,
      );
      const pcToken = await emulatorClient(connected.emu).token(
        seed,
        "https://api.partnercenter.microsoft.com/.default",
      );
      await emulatorClient(connected.emu).request("POST", "/webhooks/v1/registration/validationEvents", {
        headers: { authorization: `Bearer ${pcToken}` },
      });
      for (let i = 0; i < 400 && caught.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      await new Promise<void>((resolve) => catcher.close(() => resolve()));
      const delivery = caught[0];
      assert.ok(delivery, "the emulator delivered its validation event");
      h.clock.advance(1000);
      const eventRequestId = `s9.receivePartnerCenterEvent.${++n}`;
      const received = await h.request(anonymous, "POST", "/api/v1/partner-center/events", delivery.body, {
        authorization: String(delivery.headers.authorization),
        "x-ms-certificate-url": String(delivery.headers["x-ms-certificate-url"]),
        "x-ms-signature-algorithm": String(delivery.headers["x-ms-signature-algorithm"]),
        "x-request-id": eventRequestId,
      });
      assert.equal(received.status, 200, received.body);
      steps.push({
        operation: "receivePartnerCenterEvent",
        requestId: eventRequestId,
        at: h.clock.now(),
        expected: {
          action: "partner_center.event_received",
          actorId: null,
          actorKind: "system",
          orgId: null,
          costCenterId: null,
          targetType: "partner_center_event",
          targetId: null,
        },
      });
    });
    after(() => close());

    const rowsOf = async (requestId: string) =>
      (await h.database.query("SELECT * FROM audit_events WHERE request_id = $1", [requestId]))
        .rows as unknown as AuditRow[];

    void test("the drive covers every state-changing operation of the API", async () => {
      const doc = (await h.request(anonymous, "GET", "/openapi.json")).json() as {
        paths: Record<string, Record<string, { operationId?: string }>>;
      };
      const mutating = Object.values(doc.paths).flatMap((methods) =>
        Object.entries(methods)
          .filter(([m]) => m !== "get")
          .map(([, op]) => op.operationId ?? "?"),
      );
      const driven = new Set(steps.map((s) => s.operation.split(" ")[0]));
      assert.deepEqual(
        mutating.filter((op) => !driven.has(op) && !readOnlyPosts.has(op)),
        [],
      );
    });

    void test("each mutation leaves exactly one record with its request id, actor, organization, cost center, action, target and time", async () => {
      const wrong: string[] = [];
      for (const s of steps) {
        const rows = await rowsOf(s.requestId);
        if (rows.length !== 1) {
          wrong.push(`${s.operation}: ${rows.length} records (${rows.map((r) => r.action).join(", ")})`);
          continue;
        }
        const r = rows[0];
        if (!r) continue;
        const got: Expected = {
          action: r.action,
          actorId: r.actor_id,
          actorKind: r.actor_kind as Expected["actorKind"],
          orgId: r.org_id,
          costCenterId: r.cost_center_id,
          targetType: r.target_type,
          targetId: r.target_id,
        };
        try {
          assert.deepEqual(got, s.expected);
        } catch {
          wrong.push(`${s.operation}: got ${JSON.stringify(got)}, expected ${JSON.stringify(s.expected)}`);
        }
        if (new Date(r.at).getTime() !== s.at.getTime())
          wrong.push(`${s.operation}: at ${new Date(r.at).toISOString()}, expected ${s.at.toISOString()}`);
      }
      assert.deepEqual(wrong, []);
      assert.ok(steps.length >= 30);
    });

    /** Operations sent with POST for their body that change nothing: they leave no record (checked below). */
    const readOnlyPosts = new Set(["previewPricePlan"]);

    void test("a request that changes nothing and a request refused leave no record", async () => {
      const admin = await h.sessionFor(ids.admin);
      const requestIds = ["s9.refused.rename", "s9.refused.forbidden", "s9.read.only.get"];
      const refused = await h.request(
        admin,
        "PATCH",
        `/api/v1/organizations/${ids.orgB}`,
        { name: "Not mine" },
        { "x-request-id": requestIds[0] ?? "" },
      );
      assert.equal(refused.status, 404);
      const member = await h.sessionFor(ids.member);
      const forbidden = await h.request(
        member,
        "POST",
        `/api/v1/organizations/${ids.orgA}/cost-centers`,
        { name: "Nope" },
        { "x-request-id": requestIds[1] ?? "" },
      );
      assert.equal(forbidden.status, 403);
      assert.equal(
        (
          await h.request(admin, "GET", `/api/v1/organizations/${ids.orgA}`, undefined, {
            "x-request-id": requestIds[2] ?? "",
          })
        ).status,
        200,
      );
      const preview = await h.request(
        admin,
        "POST",
        `/api/v1/organizations/${ids.orgA}/price-plans/preview`,
        { markupPercent: "20" },
        { "x-request-id": "s9.read.only.preview" },
      );
      assert.equal(preview.status, 200, preview.body);
      for (const id of [...requestIds, "s9.read.only.preview"]) assert.deepEqual(await rowsOf(id), [], id);
    });

    void test("no audit record contains a password, a password hash, a session secret, a CSRF token or a token secret", async () => {
      const dump = (await h.database.query("SELECT t::text AS row FROM audit_events t")).rows
        .map((r) => String(r["row"]))
        .join("\n");
      assert.ok(secrets.length >= 10);
      for (const secret of secrets)
        assert.ok(!dump.includes(secret), `a secret starting ${secret.slice(0, 6)} is in the audit log`);
      assert.ok(!/scrypt\$/.test(dump), "a password hash is in the audit log");
      const keys = await h.database.query(
        "SELECT DISTINCT jsonb_object_keys(details) AS k FROM audit_events",
      );
      const names = keys.rows.map((r) => String(r["k"]));
      assert.ok(names.length > 0);
      assert.deepEqual(
        names.filter((k) => /password|secret|token|hash/i.test(k)),
        [],
      );
    });

    void test("no log line contains a password, a session secret, a CSRF token, a token secret or a migration invitation's link token", () => {
      assert.ok(logLines.length > 100, "the API logged the drive");
      const links = logLines.filter((l) => l.includes("/api/v1/migration-invitations/"));
      assert.ok(links.length > 0, "the decline through the mail's link was logged");
      for (const secret of secrets)
        for (const line of logLines)
          assert.ok(
            !line.includes(secret),
            `a secret starting ${secret.slice(0, 6)} is in a log line: ${line}`,
          );
    });

    void test("an org admin pages the organization's log newest first, and never sees another organization's records", async () => {
      const admin = await h.sessionFor(ids.admin);
      const seen: AuditItem[] = [];
      let cursor: string | null = null;
      for (let guard = 0; guard < 50; guard++) {
        const url: string = `/api/v1/organizations/${ids.orgA}/audit-events?limit=4${cursor ? `&cursor=${cursor}` : ""}`;
        const res = await h.request(admin, "GET", url);
        assert.equal(res.status, 200, res.body);
        const page = res.json() as { items: AuditItem[]; nextCursor: string | null };
        assert.ok(page.items.length <= 4);
        seen.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      const expected = await h.database.query(
        "SELECT id FROM audit_events WHERE org_id = $1 ORDER BY seq DESC",
        [ids.orgA],
      );
      assert.deepEqual(
        seen.map((i) => i.id),
        expected.rows.map((r) => r["id"]),
        "every record of the organization once, newest first",
      );
      assert.ok(seen.length > 8, "more than two pages");
      assert.deepEqual(
        seen.filter((i) => i.orgId !== ids.orgA),
        [],
      );
      for (let i = 1; i < seen.length; i++)
        assert.ok((seen[i - 1]?.at ?? "") >= (seen[i]?.at ?? ""), "newest first");
      for (const item of seen)
        assert.match(item.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, "times are UTC");

      const bIds = (
        await h.database.query("SELECT id FROM audit_events WHERE org_id = $1", [ids.orgB])
      ).rows.map((r) => String(r["id"]));
      assert.ok(bIds.length >= 2);
      const everything = JSON.stringify(seen);
      for (const id of bIds) assert.ok(!everything.includes(id));
      const other = await h.request(admin, "GET", `/api/v1/organizations/${ids.orgB}/audit-events`);
      assert.equal(other.status, 404);
      assert.ok(!bIds.some((id) => other.body.includes(id)));
    });

    void test("the database refuses UPDATE, DELETE and TRUNCATE on the audit log", async () => {
      const count = async () =>
        (await h.database.query("SELECT count(*)::int AS n FROM audit_events")).rows[0]?.["n"];
      const before = await count();
      const digest = async () =>
        (await h.database.query("SELECT md5(string_agg(t::text, ',' ORDER BY seq)) AS m FROM audit_events t"))
          .rows[0]?.["m"];
      const hash = await digest();
      for (const statement of [
        "UPDATE audit_events SET action = 'nothing.happened'",
        "UPDATE audit_events SET details = '{}'::jsonb WHERE seq = (SELECT max(seq) FROM audit_events)",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE seq = (SELECT min(seq) FROM audit_events)",
        "TRUNCATE audit_events",
      ])
        await assert.rejects(h.database.query(statement), /append-only/, statement);
      assert.equal(await count(), before);
      assert.equal(await digest(), hash);
    });

    void test("chain verification finds nothing wrong with an intact log", async () => {
      assert.equal(await h.modules.audit.verifyChain(), null);
    });

    // Edits a row behind the triggers' back: keep it last.
    void test("chain verification names the row edited behind the application's back", async () => {
      const victim = String(
        (await h.database.query("SELECT id FROM audit_events ORDER BY seq OFFSET 10 LIMIT 1")).rows[0]?.[
          "id"
        ],
      );
      await h.database.query("ALTER TABLE audit_events DISABLE TRIGGER USER");
      try {
        await h.database.query("UPDATE audit_events SET actor_id = 'usr_someoneelse' WHERE id = $1", [
          victim,
        ]);
      } finally {
        await h.database.query("ALTER TABLE audit_events ENABLE TRIGGER USER");
      }
      await assert.rejects(
        h.database.query("DELETE FROM audit_events"),
        /append-only/,
        "the triggers are back",
      );
      assert.equal(await h.modules.audit.verifyChain(), victim);
    });
  });
}
