import { createHash } from "node:crypto";
import { and, eq, max } from "drizzle-orm";
import type { Db } from "../../src/platform/db/types.ts";
import { newId } from "../../src/platform/ids.ts";
import { billingAccounts } from "../../src/modules/billing-accounts/tables.ts";
import { usageMonths, usageRows, usageSnapshots } from "../../src/modules/billing/tables.ts";
import { NEW_CUSTOMER_WORKFLOW } from "../../src/modules/onboarding/new-customer/workflow.ts";
import { workflowRuns, workflowSteps } from "../../src/modules/onboarding/tables.ts";
import { providers } from "../../src/modules/providers/tables.ts";

/**
 * Usage and billing accounts put in with plain inserts, as ingestion and onboarding leave them: a snapshot is the
 * next version of a customer's day with its rows; an account is a connected partner-cloud account; a provider is
 * an Azure provider with the billing account that pays for it.
 */
export type TestRow = {
  customerId: string;
  customerName?: string;
  usageDate: string;
  entitlementId: string;
  meterCategory: string;
  quantity: string;
  unitPrice: string;
  effectiveUnitPrice: string;
  pricingCurrency?: string;
  billingCurrency: string;
  pcToBCExchangeRate: string;
  pcToBCExchangeRateDate?: string;
};

const AT = new Date("2026-11-02T09:00:00Z");
let serial = 0;

/** Adds the next version of (customer, day) with these rows; returns the snapshot id. */
export async function putSnapshot(
  db: Db,
  day: { customerId: string; usageDate: string; billed?: boolean },
  rows: Omit<TestRow, "customerId" | "usageDate">[],
): Promise<number> {
  const [last] = await db
    .select({ version: max(usageSnapshots.version) })
    .from(usageSnapshots)
    .where(and(eq(usageSnapshots.customerId, day.customerId), eq(usageSnapshots.usageDate, day.usageDate)));
  const importId = `uim_test${++serial}`;
  const hash = createHash("sha256").update(JSON.stringify(rows)).digest("hex");
  const billed = day.billed ?? false;
  const [snapshot] = await db
    .insert(usageSnapshots)
    .values({
      customerId: day.customerId,
      usageDate: day.usageDate,
      month: day.usageDate.slice(0, 7),
      version: (last?.version ?? 0) + 1,
      importId,
      billed,
      rowCount: rows.length,
      periods: { [day.usageDate.slice(0, 7)]: { hash, billed, rows: rows.length } },
      createdAt: AT,
    })
    .returning({ id: usageSnapshots.id });
  if (!snapshot) throw new Error("no snapshot written");
  if (rows.length > 0)
    await db.insert(usageRows).values(
      rows.map((r, i) => ({
        snapshotId: snapshot.id,
        billingPeriod: day.usageDate.slice(0, 7),
        naturalKey: `${importId}-${i}`,
        customerId: day.customerId,
        customerName: r.customerName ?? `Customer ${day.customerId.slice(0, 4)}`,
        usageDate: day.usageDate,
        entitlementId: r.entitlementId,
        subscriptionId: "azure-plan",
        meterId: `meter-${i}`,
        meterName: r.meterCategory,
        meterCategory: r.meterCategory,
        resourceUri: `/subscriptions/${r.entitlementId}/r${i}`,
        resourceLocation: "westeurope",
        chargeType: "new",
        unit: "1 Hour",
        quantity: r.quantity,
        unitPrice: r.unitPrice,
        effectiveUnitPrice: r.effectiveUnitPrice,
        pricingCurrency: r.pricingCurrency ?? "USD",
        billingCurrency: r.billingCurrency,
        pcToBCExchangeRate: r.pcToBCExchangeRate,
        pcToBCExchangeRateDate: r.pcToBCExchangeRateDate ?? `${day.usageDate.slice(0, 7)}-01`,
        partnerEarnedCreditRate: "0",
      })),
    );
  return snapshot.id;
}

export async function setMonthState(
  db: Db,
  customerId: string,
  month: string,
  state: "provisional" | "final",
) {
  await db
    .insert(usageMonths)
    .values({ customerId, month, state, updatedAt: AT })
    .onConflictDoUpdate({ target: [usageMonths.customerId, usageMonths.month], set: { state } });
}

/** A connected partner-cloud account of an organization, in a country. */
export async function connectTestAccount(
  db: Db,
  account: { orgId: string; alias: string; country: string; costCenterId?: string | null },
): Promise<string> {
  const id = newId("billingAccount", AT);
  await db.insert(billingAccounts).values({
    id,
    orgId: account.orgId,
    costCenterId: account.costCenterId ?? null,
    alias: account.alias,
    name: `Account ${account.alias}`,
    country: account.country,
    status: "active",
    demo: false,
    internal: false,
    reseller: false,
    parentAlias: null,
    parentReseller: false,
    connectedAs: "admin",
    connectedBy: "usr_test",
    connectedAt: AT,
    factsReadAt: AT,
  });
  return id;
}

/** A provider billed to an account, with its tenant and subscription (either may be null). */
export async function addTestProvider(
  db: Db,
  p: {
    orgId: string;
    billingAccountId: string | null;
    tenantId?: string | null;
    subscriptionId?: string | null;
    createdAt?: Date;
    removed?: boolean;
  },
): Promise<string> {
  const id = `prv_test${++serial}`;
  const at = p.createdAt ?? AT;
  await db.insert(providers).values({
    id,
    orgId: p.orgId,
    costCenterId: "cc_test",
    workspaceId: "ws_test",
    name: id,
    kind: "microsoft-azure",
    option: "new-customer",
    state: "ready",
    billingAccountId: p.billingAccountId,
    azureTenantId: p.tenantId ?? null,
    azureSubscriptionId: p.subscriptionId ?? null,
    createdAt: at,
    updatedAt: at,
    removedAt: p.removed ? at : null,
  });
  return id;
}

/** A succeeded new-customer onboarding of a provider that manages a subscription (what managedSubscriptions reads). */
export async function addManagedSubscription(
  db: Db,
  m: { providerId: string; orgId: string; tenantId: string; subscriptionId: string },
): Promise<void> {
  const runId = `wf_test${++serial}`;
  await db.insert(workflowRuns).values({
    id: runId,
    workflow: NEW_CUSTOMER_WORKFLOW,
    version: 1,
    key: runId,
    subject: { type: "provider", id: m.providerId },
    input: { providerId: m.providerId, orgId: m.orgId },
    state: "succeeded",
    createdAt: AT,
    updatedAt: AT,
  });
  const step = (stepId: string, stepIndex: number, output: unknown) => ({
    runId,
    stepId,
    stepIndex,
    output,
    attempts: 1,
    completedAt: AT,
  });
  await db
    .insert(workflowSteps)
    .values([
      step("link-billing-account", 0, { tenantId: m.tenantId, subscriptionId: m.subscriptionId }),
      step("grant-access", 1, { assignmentId: "ra1", principalId: "sp1", role: "Owner" }),
      step("apply-policy", 2, { name: "pa1", presetId: "standard" }),
    ]);
}
