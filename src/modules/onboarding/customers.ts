import { and, eq, isNull, or } from "drizzle-orm";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import type { Db, Executor } from "../../platform/db/types.ts";
import { newId } from "../../platform/ids.ts";
import { azureCustomers } from "./tables.ts";

type Row = typeof azureCustomers.$inferSelect;

/** An organization's Azure customer as the API shows it: never its password. */
export type AzureCustomer = {
  id: string;
  orgId: string;
  state: "creating" | "active";
  billingAccountId: string;
  tenantId: string | null;
  domain: string | null;
  companyName: string;
  azurePlanId: string | null;
  credentials: "available" | "shown" | "unavailable" | null;
  credentialsShownAt: Date | null;
  createdBy: string;
  createdAt: Date;
};

export const customerView = (r: Row): AzureCustomer => ({
  id: r.id,
  orgId: r.orgId,
  state: r.state,
  billingAccountId: r.billingAccountId,
  tenantId: r.tenantId,
  domain: r.domain,
  companyName: r.companyName,
  azurePlanId: r.azurePlanId,
  credentials: r.credentials,
  credentialsShownAt: r.credentialsShownAt,
  createdBy: r.createdBy,
  createdAt: r.createdAt,
});

/** The table of Azure customers, one per organization (see tables.ts). */
export const customerRecords = {
  async of(db: Executor | Db, orgId: string): Promise<Row | null> {
    const [row] = await db.select().from(azureCustomers).where(eq(azureCustomers.orgId, orgId));
    return row ?? null;
  },

  /**
   * Claims the organization's Azure customer for the provider about to create it, in the transaction that starts
   * its run. False when the organization already has one (being created, or active): the provider adds a
   * subscription under it instead.
   */
  async claim(
    tx: Executor,
    p: {
      orgId: string;
      billingAccountId: string;
      companyName: string;
      providerId: string;
      createdBy: string;
      at: Date;
    },
  ): Promise<boolean> {
    const inserted = await tx
      .insert(azureCustomers)
      .values({
        orgId: p.orgId,
        id: newId("azureCustomer", p.at),
        billingAccountId: p.billingAccountId,
        state: "creating",
        creatingProviderId: p.providerId,
        companyName: p.companyName,
        createdBy: p.createdBy,
        createdAt: p.at,
        updatedAt: p.at,
      })
      .onConflictDoNothing({ target: azureCustomers.orgId })
      .returning({ id: azureCustomers.id });
    return inserted.length === 1;
  },

  /** Whether an organization holds this domain (reserved for, or created as, its customer). */
  async domainHeld(db: Db, domain: string): Promise<boolean> {
    const [row] = await db
      .select({ orgId: azureCustomers.orgId })
      .from(azureCustomers)
      .where(eq(azureCustomers.domain, domain));
    return row !== undefined;
  },

  /**
   * Reserves `domain` for the organization's customer while it is not created yet. False when another organization
   * holds it (the unique index decides, so two runs never both get it); true again for the same organization.
   */
  async reserveDomain(db: Db, orgId: string, domain: string): Promise<boolean> {
    try {
      const updated = await db
        .update(azureCustomers)
        .set({ domain })
        .where(
          and(
            eq(azureCustomers.orgId, orgId),
            or(isNull(azureCustomers.tenantId), eq(azureCustomers.domain, domain)),
          ),
        )
        .returning({ domain: azureCustomers.domain });
      return updated.length === 1;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  },

  async created(
    tx: Executor,
    orgId: string,
    p: {
      tenantId: string;
      domain: string;
      adminUserName: string | null;
      adminPasswordSealed: string | null;
      at: Date;
    },
  ): Promise<void> {
    await tx
      .update(azureCustomers)
      .set({
        tenantId: p.tenantId,
        domain: p.domain,
        adminUserName: p.adminUserName,
        adminPasswordSealed: p.adminPasswordSealed,
        credentials: p.adminPasswordSealed ? "available" : "unavailable",
        updatedAt: p.at,
      })
      .where(eq(azureCustomers.orgId, orgId));
  },

  async planOrdered(tx: Executor, orgId: string, azurePlanId: string, at: Date): Promise<void> {
    await tx
      .update(azureCustomers)
      .set({ azurePlanId, state: "active", updatedAt: at })
      .where(eq(azureCustomers.orgId, orgId));
  },

  /**
   * Marks the credentials shown and erases the password, if they were still available; false when another request
   * got there first. The condition is checked again by the update itself: two reveals that both read "available"
   * cannot both show them.
   */
  async credentialsShown(tx: Executor, orgId: string, at: Date): Promise<boolean> {
    const shown = await tx
      .update(azureCustomers)
      .set({ adminPasswordSealed: null, credentials: "shown", credentialsShownAt: at, updatedAt: at })
      .where(and(eq(azureCustomers.orgId, orgId), eq(azureCustomers.credentials, "available")))
      .returning({ id: azureCustomers.id });
    return shown.length === 1;
  },

  /**
   * Makes an existing tenant that accepted the partner's invitation the organization's Azure customer. True when it
   * is (again) this tenant; false when the organization already has another customer.
   */
  async adopt(
    tx: Executor,
    p: {
      orgId: string;
      billingAccountId: string;
      tenantId: string;
      domain: string;
      providerId: string;
      createdBy: string;
      at: Date;
    },
  ): Promise<boolean> {
    await tx
      .insert(azureCustomers)
      .values({
        orgId: p.orgId,
        id: newId("azureCustomer", p.at),
        billingAccountId: p.billingAccountId,
        state: "active",
        creatingProviderId: p.providerId,
        tenantId: p.tenantId,
        domain: p.domain,
        companyName: p.domain,
        credentials: "unavailable",
        createdBy: p.createdBy,
        createdAt: p.at,
        updatedAt: p.at,
      })
      .onConflictDoNothing();
    const row = await customerRecords.of(tx, p.orgId);
    return row?.tenantId === p.tenantId;
  },

  /** A creating run that was cancelled before creating anything frees the organization for another attempt. */
  async release(tx: Executor, orgId: string, providerId: string): Promise<void> {
    const row = await customerRecords.of(tx, orgId);
    if (row && row.state === "creating" && row.tenantId === null && row.creatingProviderId === providerId)
      await tx.delete(azureCustomers).where(eq(azureCustomers.orgId, orgId));
  },
};
