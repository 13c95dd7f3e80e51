import assert from "node:assert/strict";
import { z } from "zod";
import { openSignedIn } from "./admin-center-sign-in.ts";
import { emulatorBrowser } from "./emulator-browser.ts";
import { emulatorClient } from "./emulator-client.ts";
import {
  countFor,
  providerOf,
  storedCollections,
  type Organization,
  type ReliabilityWorld,
  type StepMarker,
} from "./onboarding-reliability.ts";

/**
 * What the reliability tests of a tenant migration add to those of the new customer (onboarding-reliability.ts,
 * whose worlds, organizations and worker lineages they share): the customer's existing tenant, the migration
 * request, what the people outside Partner Cloud do (the tenant's administrator accepts, Microsoft completes a
 * billing transfer, the technical account manager moves resources and an operator completes the task), the
 * workflow's steps with the upstream requests that show them at work, and the invariants of a finished migration.
 */

/** A customer's tenant before the migration: its Global Administrator and its subscriptions. */
export type ExistingTenant = {
  readonly tenantId: string;
  readonly domain: string;
  readonly admin: { readonly userName: string; readonly password: string };
  /** Bought pay-as-you-go: transferred whole to the partner. Its name is the provider's. */
  readonly payAsYouGo: string;
  /** Under an Enterprise Agreement: its resources move into a new subscription under the partner. */
  readonly enterpriseAgreement: string;
};

const Scenario = z.object({
  tenantId: z.string(),
  domain: z.string(),
  admin: z.object({ userName: z.string(), password: z.string() }),
  subscriptions: z.array(z.object({ subscriptionId: z.string(), offer: z.string() })),
});

/** The name of the tenant's pay-as-you-go subscription, and of the provider its migration creates. */
export const PRODUCTION = "Production";

/** A tenant named by `label` (lower-case letters and digits) with a pay-as-you-go and an Enterprise Agreement subscription. */
export async function existingTenant(
  world: Pick<ReliabilityWorld, "emu">,
  label: string,
): Promise<ExistingTenant> {
  const made = await emulatorClient(world.emu).request("POST", "/_emulator/scenarios", {
    json: {
      scenario: "existing-tenant",
      domainPrefix: `mig${label}`,
      subscriptions: [
        { displayName: "Legacy", offer: "EnterpriseAgreement" },
        { displayName: PRODUCTION, offer: "PayAsYouGo" },
      ],
    },
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const tenant = Scenario.parse(made.body);
  const of = (offer: string) => tenant.subscriptions.find((s) => s.offer === offer)?.subscriptionId ?? "";
  return {
    tenantId: tenant.tenantId,
    domain: tenant.domain,
    admin: tenant.admin,
    payAsYouGo: of("PayAsYouGo"),
    enterpriseAgreement: of("EnterpriseAgreement"),
  };
}

export type StartedMigration = {
  readonly orgId: string;
  readonly providerId: string;
  readonly runId: string;
  readonly tenant: ExistingTenant;
  /** Where the invitation goes. */
  readonly adminEmail: string;
};

/** POSTs a migrate-tenant provider for `tenant` as the organization's administrator. */
export async function requestMigration(
  world: Pick<ReliabilityWorld, "h">,
  org: Organization,
  tenant: ExistingTenant,
): Promise<StartedMigration> {
  const adminEmail = `it@${tenant.domain}`;
  const res = await world.h.request(org.admin, "POST", `/api/v1/workspaces/${org.workspaceId}/providers`, {
    option: "migrate-tenant",
    name: PRODUCTION,
    billingAccountId: org.billingAccountId,
    adminEmail,
    primaryDomain: tenant.domain,
  });
  assert.equal(res.status, 201, res.body);
  const body = res.json() as { id: string; onboardingRunId: string | null };
  assert.ok(body.onboardingRunId, "a migration starts its onboarding run");
  return { orgId: org.orgId, providerId: body.id, runId: body.onboardingRunId, tenant, adminEmail };
}

/**
 * The migration's steps in order, with the upstream request that shows each one at work (its effect, for the steps
 * that change something). `perSubscription`: the step makes that request once for every managed subscription.
 * Steps without a marker work on our own database only.
 */
export const migrationSteps: readonly {
  readonly id: string;
  readonly marker?: StepMarker;
  readonly perSubscription?: boolean;
}[] = [
  { id: "check-eligibility", marker: { route: "GET /v2/accounts/:alias" } },
  { id: "request-link", marker: { route: "GET /v1/customers/relationshiprequests" } },
  { id: "create-gdap", marker: { route: "POST /v1.0/tenantRelationships/delegatedAdminRelationships" } },
  {
    id: "lock-gdap",
    marker: { route: "POST /v1.0/tenantRelationships/delegatedAdminRelationships/:id/requests" },
  },
  { id: "send-invitation" },
  { id: "await-acceptance", marker: { route: "GET /v1/customers" } },
  { id: "record-customer" },
  { id: "consent-application", marker: { route: "POST /v1/customers/:id/applicationconsents" } },
  { id: "discover-subscriptions", marker: { route: "GET /subscriptions" } },
  { id: "plan-subscriptions" },
  { id: "await-subscriptions", marker: { route: "GET /subscriptions" } },
  { id: "link-billing-account" },
  {
    id: "grant-access",
    marker: { route: "PUT /subscriptions/:sub/*", url: /\/roleAssignments\//i },
    perSubscription: true,
  },
  {
    id: "apply-policy",
    marker: { route: "PUT /subscriptions/:sub/*", url: /\/policyAssignments\//i },
    perSubscription: true,
  },
  { id: "mark-ready" },
];

/** The marker of a per-subscription step's request on one subscription. */
export function onSubscription(marker: StepMarker, subscriptionId: string): StepMarker {
  return {
    route: marker.route,
    url: new RegExp(`/subscriptions/${subscriptionId}/.*${marker.url?.source ?? ""}`, "i"),
  };
}

type OutboxMail = { id: string; to: string[]; text: string };

/** The mail queued for `to`, sent or not (a sent one keeps its envelope only). */
export async function mailsTo(world: Pick<ReliabilityWorld, "database">, to: string): Promise<OutboxMail[]> {
  const rows = await world.database.query(
    `SELECT id, "to", text FROM mail_outbox WHERE "to" @> $1::jsonb ORDER BY created_at`,
    [JSON.stringify([to])],
  );
  return z.array(z.object({ id: z.string(), to: z.array(z.string()), text: z.string() })).parse(rows.rows);
}

type Progress = NonNullable<Awaited<ReturnType<ReliabilityWorld["h"]["modules"]["onboarding"]["progress"]>>>;
export type MigrationView = NonNullable<Progress["migration"]>;

/** The migration as its provider's page shows it. */
export async function migrationOf(world: Pick<ReliabilityWorld, "h">, runId: string): Promise<MigrationView> {
  const progress = await world.h.modules.onboarding.progress(runId);
  assert.ok(progress?.migration, `run ${runId} is a migration`);
  return progress.migration;
}

const EMAILED_LINK = /https:\/\/\S+partner-invitation\S+/;

/**
 * The tenant's administrator opens the invitation mail's link in the admin center, signs in and accepts; Partner
 * Center's event (reseller-relationship-accepted-by-customer) then wakes the waiting run. Answers whether the mail
 * was there to act on.
 */
export async function acceptInvitation(
  world: ReliabilityWorld,
  migration: StartedMigration,
): Promise<boolean> {
  const [mail] = await mailsTo(world, migration.adminEmail);
  const link = EMAILED_LINK.exec(mail?.text ?? "")?.[0];
  if (!link) return false;
  const browser = emulatorBrowser(world.emu);
  const page = await openSignedIn(browser, link.slice(world.emu.baseUrl.length), migration.tenant.admin);
  const form = browser.form(page, "Accept");
  const accepted = await browser.post(form.action, { ...form.fields, agree: "yes", decision: "accept" });
  assert.match(accepted.text, /You accepted the invitation/);
  await world.h.modules.onboarding.migrateTenant.acceptedByCustomer(migration.tenant.tenantId);
  return true;
}

/**
 * Microsoft completes the pay-as-you-go subscription's billing transfer to the partner; the run, waiting for it,
 * looks at Azure again (a poll comes sooner than in production).
 */
export async function completeBillingTransfer(
  world: ReliabilityWorld,
  migration: StartedMigration,
): Promise<void> {
  const res = await emulatorClient(world.emu).request(
    "POST",
    `/_emulator/subscriptions/${migration.tenant.payAsYouGo}/billing-transfer`,
    { json: { partnerTenantId: world.seed.tenantId } },
  );
  assert.equal(res.status, 200, JSON.stringify(res.body));
  await world.h.modules.onboarding.engine.wake(migration.runId, "await-subscriptions");
}

/** The technical account manager creates the Azure-plan subscription the Enterprise Agreement's resources move into. */
export async function createMoveTarget(
  world: ReliabilityWorld,
  migration: StartedMigration,
): Promise<string> {
  const made = await emulatorClient(world.emu).request(
    "POST",
    `/_emulator/tenants/${migration.tenant.tenantId}/subscriptions`,
    { json: { displayName: "Legacy (CSP)", offer: "AzurePlan", partnerTenantId: world.seed.tenantId } },
  );
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return z.object({ subscriptionId: z.string() }).parse(made.body).subscriptionId;
}

/**
 * An operator completes the run's open move task with the subscription the resources went into, through the API
 * (which wakes the run). Answers the API's response: Azure is asked first, so it may fail while Azure does.
 */
export async function completeMoveTask(
  world: ReliabilityWorld,
  migration: StartedMigration,
  targetSubscriptionId: string,
): Promise<{ status: number; body: string } | null> {
  const task = (await migrationOf(world, migration.runId)).tasks.find(
    (t) => t.kind === "move_resources" && t.state === "open",
  );
  if (!task) return null;
  const operator = await world.h.sessionFor(world.w.ids.operator);
  const res = await world.h.request(operator, "POST", `/api/v1/technical-tasks/${task.id}/complete`, {
    note: "Resources moved with the customer's IT.",
    targetSubscriptionId,
  });
  return { status: res.status, body: res.body };
}

const Output = z.record(z.string(), z.unknown());
const text = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : "");
const strings = (v: unknown) => z.array(z.string()).catch([]).parse(v);
const Assignments = z.array(z.object({ subscriptionId: z.string(), assignmentId: z.string() })).catch([]);
const GdapRelationship = z
  .object({ id: z.string(), displayName: z.string(), status: z.string() })
  .passthrough();

/**
 * The steps the migration has marked done whose effect is not where it should be (the emulator, or our own
 * tables), as lines naming the step: "no step is marked done without its effect" holds when this is empty.
 */
export async function migrationDoneWithoutEffect(
  world: ReliabilityWorld,
  migration: StartedMigration,
): Promise<string[]> {
  const { emu, h, w, seed } = world;
  const steps = await h.modules.onboarding.engine.stepsOf(migration.runId);
  const outputs = new Map(steps.map((s) => [s.stepId, Output.parse(s.output ?? {})]));
  const stored = await storedCollections(world);
  const relationships = (stored["gdapRelationships"] ?? []).map((r) => GdapRelationship.parse(r));
  const customerId = text(outputs.get("await-acceptance")?.["customerId"]);
  const missing: string[] = [];
  for (const [stepId, out] of outputs) {
    if (out["skipped"] === true) continue;
    let found = true;
    switch (stepId) {
      case "create-gdap":
        found = relationships.some(
          (r) => r.id === out["relationshipId"] && r.displayName === out["displayName"],
        );
        break;
      case "lock-gdap":
        found = relationships.some((r) => r.id === out["relationshipId"] && r.status !== "created");
        break;
      case "send-invitation":
        found = (await mailsTo(world, migration.adminEmail)).some((m) => m.id === out["mailId"]);
        break;
      case "await-acceptance":
        found = emu.state
          .partnersOf(customerId)
          .some((c) => c.partnerTenantId === seed.tenantId && c.origin === "invited");
        break;
      case "record-customer": {
        const card = await h.modules.onboarding.azureCustomer(w.operator, migration.orgId);
        found = card.ok && text(card.value.tenantId) === customerId;
        break;
      }
      case "consent-application":
        found = countFor(stored, "pcApplicationConsents", customerId) > 0;
        break;
      case "plan-subscriptions":
        found = (await migrationOf(world, migration.runId)).subscriptions.length === out["subscriptions"];
        break;
      case "await-subscriptions":
        found = strings(out["subscriptionIds"]).every(
          (id) => emu.state.subscription(id)?.partnerTenantId === seed.tenantId,
        );
        break;
      case "link-billing-account":
        found =
          text((await providerOf(world, migration.providerId)).azure.subscriptionId) ===
          text(out["subscriptionId"]);
        break;
      case "mark-ready":
        found = (await providerOf(world, migration.providerId)).state === "ready";
        break;
      case "grant-access":
        found = Assignments.parse(out["assignments"]).every((a) =>
          emu.state
            .roleAssignmentsUnder(`/subscriptions/${a.subscriptionId}`)
            .some((r) => r.principalId === out["principalId"] && r.name === a.assignmentId.toLowerCase()),
        );
        break;
      case "apply-policy":
        found = strings(out["subscriptionIds"]).every(
          (id) => emu.state.policyAssignment(`/subscriptions/${id}`, String(out["name"])) !== undefined,
        );
        break;
    }
    if (!found) missing.push(`${stepId} is done (${JSON.stringify(out)}) but its effect is missing`);
  }
  return missing;
}

/**
 * A finished migration's end state: the provider ready on the tenant; one invitation mail; one GDAP relationship
 * under our display name; the tenant a customer of the partner once, with one consent; the pay-as-you-go
 * subscription and the move's new one managed, each with exactly one role assignment of Partner Cloud's principal
 * and one policy assignment (and the Enterprise Agreement's, left behind, with none of ours); two tasks, both done.
 * Returns what differs, as lines; empty when all holds.
 */
export async function migrationDiffers(
  world: ReliabilityWorld,
  migration: StartedMigration,
  moveTarget: string,
): Promise<string[]> {
  const { emu, seed } = world;
  const { tenant } = migration;
  const problems: string[] = [];
  const expect = (what: string, got: unknown, want: unknown) => {
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(`${what}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  };
  const provider = await providerOf(world, migration.providerId);
  expect("the provider", provider.state, "ready");
  expect("the provider's tenant", text(provider.azure.tenantId), tenant.tenantId);
  expect("the provider's subscription", text(provider.azure.subscriptionId), tenant.payAsYouGo);
  expect("invitation mails", (await mailsTo(world, migration.adminEmail)).length, 1);

  const steps = await world.h.modules.onboarding.engine.stepsOf(migration.runId);
  const output = (id: string) => Output.parse(steps.find((s) => s.stepId === id)?.output ?? {});
  const stored = await storedCollections(world);
  const gdap = output("create-gdap");
  const named = (stored["gdapRelationships"] ?? [])
    .map((r) => GdapRelationship.parse(r))
    .filter((r) => r.displayName === gdap["displayName"]);
  expect(
    "GDAP relationships with our display name",
    named.map((r) => r.id),
    [gdap["relationshipId"]],
  );

  expect(
    "the tenant's partners",
    emu.state.partnersOf(tenant.tenantId).map((c) => c.partnerTenantId),
    [seed.tenantId],
  );
  expect("consents", countFor(stored, "pcApplicationConsents", tenant.tenantId), 1);

  const view = await migrationOf(world, migration.runId);
  const managed = [tenant.payAsYouGo, moveTarget].sort();
  expect(
    "managed subscriptions",
    view.subscriptions.map((s) => [s.state, s.targetSubscriptionId]).sort(),
    [
      ["under_management", moveTarget],
      ["under_management", tenant.payAsYouGo],
    ].sort(),
  );
  const principal = output("grant-access")["principalId"];
  for (const sub of emu.state.subscriptionsOf(tenant.tenantId).map((s) => s.subscriptionId)) {
    const scope = `/subscriptions/${sub}`;
    const want = managed.includes(sub) ? 1 : 0;
    expect(
      `role assignments of Partner Cloud on ${sub}`,
      emu.state.roleAssignmentsUnder(scope).filter((r) => r.principalId === principal).length,
      want,
    );
    expect(`policy assignments on ${sub}`, emu.state.policyAssignmentsAt(scope).length, want);
  }
  expect("tasks", view.tasks.map((t) => [t.kind, t.state]).sort(), [
    ["move_resources", "done"],
    ["transfer_subscription", "done"],
  ]);
  return problems;
}
