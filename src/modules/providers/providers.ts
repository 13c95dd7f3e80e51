import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, sql, type SQL } from "drizzle-orm";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import type { Executor } from "../../platform/db/types.ts";
import { newId } from "../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../platform/pagination.ts";
import { err, ok, type AppError, type Result } from "../../platform/result.ts";
import type { AuditActor } from "../audit/index.ts";
import type { Caller } from "../tenancy/index.ts";
import type { ProvidersDeps } from "./deps.ts";
import { providerErrors, type ProviderError } from "./errors.ts";
import {
  validateExistingAccount,
  type ExistingAccountCredentials,
  type ValidatedAccount,
} from "./existing-account.ts";
import type { AzureOption } from "./options.ts";
import { canChooseOptimizedOption, providerAccess, type ProviderAccess } from "./sharing.ts";
import { canMove, moveTo, type ProviderState } from "./states.ts";
import { providerEvents, providers } from "./tables.ts";

export type { ProviderState };

/** How a stored secret is shown: never the secret itself. */
export const MASKED_SECRET = "••••";

export type Provider = {
  id: string;
  orgId: string;
  costCenterId: string;
  workspaceId: string;
  name: string;
  kind: "microsoft-azure";
  option: AzureOption;
  state: ProviderState;
  failureReason: string | null;
  billingAccountId: string | null;
  onboardingRunId: string | null;
  azure: {
    tenant: string | null;
    tenantId: string | null;
    subscriptionId: string | null;
    subscriptionName: string | null;
    clientId: string | null;
    clientSecret: typeof MASKED_SECRET | null;
  };
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  lastSyncedAt: Date | null;
};

export type ProviderEvent = {
  seq: number;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  event: string;
  fromState: string | null;
  toState: string | null;
  message: string;
};

/** What creating a Microsoft Azure provider takes, per option (product inventory §2.2–2.4). */
export type NewProvider =
  | ({ name: string; option: "existing-account" } & ExistingAccountCredentials)
  | {
      name: string;
      option: "migrate-tenant";
      billingAccountId: string;
      allowedServices?: string | undefined;
      adminEmail: string;
      primaryDomain: string;
    }
  | {
      name: string;
      option: "new-customer";
      billingAccountId: string;
      allowedServices?: string | undefined;
      /** The company profile, needed only when the organization has no Azure customer yet. */
      customer?: unknown;
    };

type Row = typeof providers.$inferSelect;

/** What deleting means, said wherever a provider is deleted (product inventory §2.7). */
export const DELETION_NOTICE =
  "Deleting the provider stops Partner Cloud managing it. It does not close the Azure customer account or its " +
  "subscription, and their charges continue: to turn the account off, request an account shutdown.";

export function view(r: Row): Provider {
  return {
    id: r.id,
    orgId: r.orgId,
    costCenterId: r.costCenterId,
    workspaceId: r.workspaceId,
    name: r.name,
    kind: r.kind,
    option: r.option,
    state: r.state,
    failureReason: r.failureReason,
    billingAccountId: r.billingAccountId,
    onboardingRunId: r.onboardingRunId,
    azure: {
      tenant: r.tenantInput,
      tenantId: r.azureTenantId,
      subscriptionId: r.azureSubscriptionId,
      subscriptionName: r.azureSubscriptionName,
      clientId: r.clientId,
      clientSecret: r.clientSecretEncrypted ? MASKED_SECRET : null,
    },
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    lastSyncedAt: r.lastSyncedAt,
  };
}

/** Appends to a provider's log. Every state change and every sync result goes through here. */
export async function logEvent(
  tx: Executor,
  actor: AuditActor,
  row: Pick<Row, "id" | "orgId">,
  at: Date,
  e: { event: string; from?: ProviderState | null; to?: ProviderState | null; message: string },
): Promise<void> {
  await tx.insert(providerEvents).values({
    providerId: row.id,
    orgId: row.orgId,
    at,
    actorId: actor.userId,
    actorEmail: actor.email,
    event: e.event,
    fromState: e.from ?? null,
    toState: e.to ?? null,
    message: e.message,
  });
}

const NEED_EDIT =
  "Only this workspace's administrators, its cost center's administrators and organization administrators change providers.";
const NEED_SEE =
  "Your role in this workspace does not show providers: visitors, authors and administrators see them. Ask a workspace administrator.";

export function createProviderService(deps: ProvidersDeps) {
  const { db, clock } = deps;

  /** The provider as the caller may reach it: not found outside their organization, forbidden below `need`. */
  async function reach(
    caller: Caller,
    id: string,
    need: Exclude<ProviderAccess, "none">,
    opts: { removed?: boolean } = {},
  ): Promise<Result<Row, ProviderError>> {
    const [row] = await db.select().from(providers).where(eq(providers.id, id));
    if (!row || (row.removedAt && !opts.removed)) return err(providerErrors.notFound("provider", id));
    const { inOrg, access } = providerAccess(caller.principal, row);
    if (!inOrg) return err(providerErrors.notFound("provider", id));
    if (access === "none") return err(providerErrors.forbidden(NEED_SEE));
    if (need === "edit" && access !== "edit") return err(providerErrors.forbidden(NEED_EDIT));
    return ok(row);
  }

  async function changeable(caller: Caller, id: string): Promise<Result<Row, ProviderError>> {
    const found = await reach(caller, id, "edit");
    if (found.ok && found.value.state === "deleting") return err(providerErrors.deleting(id));
    return found;
  }

  /** Re-reads option 1's credentials and asks Microsoft; failures say which field to fix. */
  async function checkStored(row: Row): Promise<Result<ValidatedAccount, ProviderError>> {
    if (!deps.customerAzure) return err(providerErrors.notConnected());
    if (!row.clientSecretEncrypted || !row.tenantInput || !row.clientId || !row.azureSubscriptionId)
      return err(providerErrors.secretUnreadable("no credentials are stored"));
    const secret = deps.secrets().decrypt(row.clientSecretEncrypted);
    if (!secret.ok) return err(providerErrors.secretUnreadable(secret.error.code));
    return validateExistingAccount(deps.customerAzure, {
      tenant: row.tenantInput,
      clientId: row.clientId,
      clientSecret: secret.value,
      subscriptionId: row.azureSubscriptionId,
    });
  }

  async function nameTaken(workspaceId: string, name: string): Promise<boolean> {
    const [taken] = await db
      .select({ id: providers.id })
      .from(providers)
      .where(
        and(
          eq(providers.workspaceId, workspaceId),
          sql`lower(${providers.name}) = lower(${name})`,
          isNull(providers.removedAt),
        ),
      );
    return taken !== undefined;
  }

  /**
   * Option 3: every check that reads runs first (nothing is saved or created upstream when one fails); then the
   * provider and its onboarding run are saved in one transaction, and workers take it from there.
   */
  async function createOptimized(
    caller: Caller,
    ws: { id: string; orgId: string; costCenterId: string },
    input: Extract<NewProvider, { option: "new-customer" | "migrate-tenant" }>,
  ): Promise<Result<Provider, AppError>> {
    const starter = (input.option === "new-customer" ? deps.newCustomer?.() : deps.migrateTenant?.()) ?? null;
    if (!starter) return err(providerErrors.notConnected());
    if (await nameTaken(ws.id, input.name)) return err(providerErrors.nameTaken(input.name));
    const scope = { orgId: ws.orgId, costCenterId: ws.costCenterId, workspaceId: ws.id };
    const prepared = await starter.prepare(
      caller,
      scope,
      input.option === "new-customer"
        ? {
            billingAccountId: input.billingAccountId,
            allowedServices: input.allowedServices,
            customer: input.customer,
          }
        : {
            billingAccountId: input.billingAccountId,
            allowedServices: input.allowedServices,
            adminEmail: input.adminEmail,
            primaryDomain: input.primaryDomain,
          },
    );
    if (!prepared.ok) return prepared;
    const at = clock.now();
    const id = newId("provider", at);
    try {
      await db.transaction(async (tx) => {
        await tx.insert(providers).values({
          id,
          orgId: ws.orgId,
          costCenterId: ws.costCenterId,
          workspaceId: ws.id,
          name: input.name,
          kind: "microsoft-azure",
          option: input.option,
          state: "initializing",
          failureReason: null,
          billingAccountId: prepared.value.billingAccountId,
          tenantInput: null,
          azureTenantId: null,
          azureSubscriptionId: null,
          azureSubscriptionName: null,
          clientId: null,
          clientSecretEncrypted: null,
          onboardingRunId: null,
          createdBy: caller.actor.userId,
          createdAt: at,
          updatedAt: at,
          lastSyncedAt: null,
          removedAt: null,
        });
        await logEvent(tx, caller.actor, { id, orgId: ws.orgId }, at, {
          event: "created",
          to: "initializing",
          message: `Provider "${input.name}" created with the option ${input.option}.`,
        });
        await deps.audit.record(tx, caller.actor, {
          orgId: ws.orgId,
          costCenterId: ws.costCenterId,
          action: "provider.created",
          targetType: "provider",
          targetId: id,
          details: {
            name: input.name,
            workspaceId: ws.id,
            option: input.option,
            billingAccountId: prepared.value.billingAccountId,
          },
        });
        const { runId } = await starter.start(tx, {
          caller,
          scope,
          providerId: id,
          providerName: input.name,
          prepared: prepared.value,
        });
        await tx.update(providers).set({ onboardingRunId: runId }).where(eq(providers.id, id));
      });
    } catch (e) {
      if (isUniqueViolation(e)) return err(providerErrors.nameTaken(input.name));
      throw e;
    }
    const [row] = await db.select().from(providers).where(eq(providers.id, id));
    if (!row) throw new Error(`provider ${id} vanished after it was created`);
    return ok(view(row));
  }

  async function createExisting(
    caller: Caller,
    ws: { id: string; orgId: string; costCenterId: string },
    input: Extract<NewProvider, { option: "existing-account" }>,
  ): Promise<Result<Provider, ProviderError>> {
    if (!deps.customerAzure) return err(providerErrors.notConnected());
    const [taken] = await db
      .select({ id: providers.id })
      .from(providers)
      .where(
        and(
          eq(providers.workspaceId, ws.id),
          sql`lower(${providers.name}) = lower(${input.name})`,
          isNull(providers.removedAt),
        ),
      );
    if (taken) return err(providerErrors.nameTaken(input.name));
    const checked = await validateExistingAccount(deps.customerAzure, input);
    if (!checked.ok) return checked;
    const account = checked.value;
    const at = clock.now();
    const row: Row = {
      id: newId("provider", at),
      orgId: ws.orgId,
      costCenterId: ws.costCenterId,
      workspaceId: ws.id,
      name: input.name,
      kind: "microsoft-azure",
      option: "existing-account",
      state: moveTo("initializing", "ready"),
      failureReason: null,
      billingAccountId: null,
      tenantInput: input.tenant,
      azureTenantId: account.tenantId,
      azureSubscriptionId: account.subscriptionId,
      azureSubscriptionName: account.subscriptionName,
      clientId: input.clientId,
      clientSecretEncrypted: deps.secrets().encrypt(input.clientSecret),
      onboardingRunId: null,
      createdBy: caller.actor.userId,
      createdAt: at,
      updatedAt: at,
      lastSyncedAt: at,
      removedAt: null,
    };
    try {
      await db.transaction(async (tx) => {
        await tx.insert(providers).values(row);
        await logEvent(tx, caller.actor, row, at, {
          event: "created",
          to: "initializing",
          message: `Provider "${row.name}" created with the option existing-account.`,
        });
        await logEvent(tx, caller.actor, row, at, {
          event: "validated",
          from: "initializing",
          to: "ready",
          message: `The application ${input.clientId} signed in to directory ${account.tenantId} and read subscription "${account.subscriptionName}" (${account.subscriptionId}).`,
        });
        await deps.audit.record(tx, caller.actor, {
          orgId: row.orgId,
          costCenterId: row.costCenterId,
          action: "provider.created",
          targetType: "provider",
          targetId: row.id,
          details: {
            name: row.name,
            workspaceId: row.workspaceId,
            option: row.option,
            tenantId: account.tenantId,
            subscriptionId: account.subscriptionId,
            clientId: input.clientId,
          },
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) return err(providerErrors.nameTaken(input.name));
      throw e;
    }
    return ok(view(row));
  }

  /** Ends management of a provider: its secret is erased and it leaves every list; its log stays. */
  async function removeIn(tx: Executor, actor: AuditActor, row: Row): Promise<void> {
    const at = clock.now();
    await tx
      .update(providers)
      .set({ removedAt: at, updatedAt: at, clientSecretEncrypted: null })
      .where(eq(providers.id, row.id));
    await logEvent(tx, actor, row, at, {
      event: "removed",
      from: "deleting",
      message: "Partner Cloud no longer manages this provider; its stored client secret was erased.",
    });
    await deps.audit.record(tx, actor, {
      orgId: row.orgId,
      costCenterId: row.costCenterId,
      action: "provider.deleted",
      targetType: "provider",
      targetId: row.id,
      details: { name: row.name, workspaceId: row.workspaceId },
    });
  }

  const finishRemoval = (actor: AuditActor, row: Row) => db.transaction((tx) => removeIn(tx, actor, row));

  async function lockedRow(tx: Executor, id: string): Promise<Row | undefined> {
    const [row] = await tx.select().from(providers).where(eq(providers.id, id)).for("update");
    return row;
  }

  const SYSTEM: AuditActor = { userId: null, email: null, kind: "system", requestId: null };

  /** What onboarding writes on a provider, inside its steps' and transitions' transactions. */
  const lifecycle = {
    async linkAzure(
      tx: Executor,
      id: string,
      azure: { tenantId: string; subscriptionId: string; subscriptionName: string },
    ): Promise<void> {
      const row = await lockedRow(tx, id);
      if (!row) return;
      const at = clock.now();
      await tx
        .update(providers)
        .set({
          azureTenantId: azure.tenantId,
          azureSubscriptionId: azure.subscriptionId,
          azureSubscriptionName: azure.subscriptionName,
          updatedAt: at,
        })
        .where(eq(providers.id, id));
      await logEvent(tx, SYSTEM, row, at, {
        event: "linked",
        message: `Azure subscription "${azure.subscriptionName}" (${azure.subscriptionId}) in directory ${azure.tenantId} is billed on billing account ${row.billingAccountId ?? ""}.`,
      });
    },
    async moveTo(
      tx: Executor,
      id: string,
      to: "processing" | "ready" | "failed",
      p: { event: string; message: string; reason?: string | null },
    ): Promise<void> {
      const row = await lockedRow(tx, id);
      if (!row) return;
      const at = clock.now();
      const moves = row.removedAt === null && row.state !== to && canMove(row.state, to);
      if (moves)
        await tx
          .update(providers)
          .set({ state: to, failureReason: to === "failed" ? (p.reason ?? p.message) : null, updatedAt: at })
          .where(eq(providers.id, id));
      await logEvent(tx, SYSTEM, row, at, {
        event: p.event,
        ...(moves ? { from: row.state, to } : {}),
        message: p.message,
      });
    },
    async log(tx: Executor, id: string, p: { event: string; message: string }): Promise<void> {
      const row = await lockedRow(tx, id);
      if (row) await logEvent(tx, SYSTEM, row, clock.now(), p);
    },
    async stillManaged(ids: readonly string[]): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await db
        .select({ id: providers.id })
        .from(providers)
        .where(and(inArray(providers.id, [...ids]), isNull(providers.removedAt)));
      return new Set(rows.map((r) => r.id));
    },
    async finishDeletionIfWaiting(tx: Executor, id: string): Promise<void> {
      const row = await lockedRow(tx, id);
      if (row && row.state === "deleting" && row.removedAt === null) await removeIn(tx, SYSTEM, row);
    },
  };

  /** The workspace as tenancy shows it to the caller; refused in providers' words, saying what is needed. */
  async function workspaceOf(caller: Caller, workspaceId: string, need: string) {
    const found = await deps.workspaces.get(caller, workspaceId);
    if (found.ok) return found;
    return err(
      found.error.code === "forbidden"
        ? providerErrors.forbidden(need)
        : providerErrors.notFound("workspace", workspaceId),
    );
  }

  return {
    async create(
      caller: Caller,
      workspaceId: string,
      input: NewProvider,
    ): Promise<Result<Provider, ProviderError | AppError>> {
      const found = await workspaceOf(caller, workspaceId, NEED_EDIT);
      if (!found.ok) return found;
      const ws = found.value;
      const scope = { orgId: ws.orgId, costCenterId: ws.costCenterId, workspaceId: ws.id };
      if (providerAccess(caller.principal, scope).access !== "edit")
        return err(providerErrors.forbidden(NEED_EDIT));
      switch (input.option) {
        case "existing-account":
          return createExisting(caller, ws, input);
        case "migrate-tenant":
        case "new-customer":
          if (!canChooseOptimizedOption(caller.principal, scope))
            return err(
              providerErrors.forbidden(
                `The option "${input.option}" is offered to organization administrators and this cost center's administrators only.`,
              ),
            );
          return createOptimized(caller, ws, input);
      }
    },

    async listInWorkspace(
      caller: Caller,
      workspaceId: string,
      page: Page,
    ): Promise<Result<PageOf<Provider>, ProviderError>> {
      const found = await workspaceOf(caller, workspaceId, NEED_SEE);
      if (!found.ok) return found;
      const ws = found.value;
      if (providerAccess(caller.principal, { ...ws, workspaceId: ws.id }).access === "none")
        return err(providerErrors.forbidden(NEED_SEE));
      const rows = await db
        .select()
        .from(providers)
        .where(
          and(
            eq(providers.workspaceId, ws.id),
            isNull(providers.removedAt),
            page.after ? gt(providers.id, page.after) : undefined,
          ),
        )
        .orderBy(providers.id)
        .limit(page.limit + 1);
      const cut = pageOf(rows, page.limit, (r) => r.id);
      return ok({ items: cut.items.map(view), nextCursor: cut.nextCursor });
    },

    /** Every provider of an organization: its administrators see all, cost-center administrators their own. */
    async listInOrganization(
      caller: Caller,
      orgId: string,
      page: Page,
    ): Promise<Result<PageOf<Provider>, ProviderError>> {
      const p = caller.principal;
      if (!p.isOperator && p.orgId !== orgId) return err(providerErrors.notFound("organization", orgId));
      let scope: SQL | undefined;
      if (!p.isOperator && p.orgRole !== "admin") {
        const ccs = [...p.costCenterAdminOf];
        if (ccs.length === 0)
          return err(
            providerErrors.forbidden(
              "Only organization and cost-center administrators list an organization's providers; list a workspace's providers instead.",
            ),
          );
        scope = inArray(providers.costCenterId, ccs);
      }
      const rows = await db
        .select()
        .from(providers)
        .where(
          and(
            eq(providers.orgId, orgId),
            isNull(providers.removedAt),
            scope,
            page.after ? gt(providers.id, page.after) : undefined,
          ),
        )
        .orderBy(providers.id)
        .limit(page.limit + 1);
      const cut = pageOf(rows, page.limit, (r) => r.id);
      return ok({ items: cut.items.map(view), nextCursor: cut.nextCursor });
    },

    async get(caller: Caller, id: string): Promise<Result<Provider, ProviderError>> {
      const found = await reach(caller, id, "see");
      return found.ok ? ok(view(found.value)) : found;
    },

    async rename(
      caller: Caller,
      id: string,
      input: { name: string },
    ): Promise<Result<Provider, ProviderError>> {
      const found = await changeable(caller, id);
      if (!found.ok) return found;
      const row = found.value;
      const at = clock.now();
      try {
        await db.transaction(async (tx) => {
          await tx.update(providers).set({ name: input.name, updatedAt: at }).where(eq(providers.id, id));
          await deps.audit.record(tx, caller.actor, {
            orgId: row.orgId,
            costCenterId: row.costCenterId,
            action: "provider.renamed",
            targetType: "provider",
            targetId: id,
            details: { from: row.name, to: input.name },
          });
        });
      } catch (e) {
        if (isUniqueViolation(e)) return err(providerErrors.nameTaken(input.name));
        throw e;
      }
      return ok(view({ ...row, name: input.name, updatedAt: at }));
    },

    /**
     * Re-validates and refreshes what we know. Option 1: sign in with the stored application and read the
     * subscription; `unavailable` with the reason when that fails, `ready` again when it works.
     */
    async sync(caller: Caller, id: string): Promise<Result<Provider, ProviderError>> {
      const found = await changeable(caller, id);
      if (!found.ok) return found;
      const row = found.value;
      if (row.option !== "existing-account") {
        const at = clock.now();
        await db.transaction(async (tx) => {
          await logEvent(tx, caller.actor, row, at, {
            event: "synced",
            message: "Nothing to refresh until the onboarding of this provider has finished.",
          });
          await deps.audit.record(tx, caller.actor, {
            orgId: row.orgId,
            costCenterId: row.costCenterId,
            action: "provider.synced",
            targetType: "provider",
            targetId: id,
            details: { from: row.state, to: row.state },
          });
        });
        return ok(view(row));
      }
      const checked = await checkStored(row);
      if (!checked.ok && checked.error.code === "microsoft_not_connected") return checked;
      const at = clock.now();
      const next: Row = checked.ok
        ? {
            ...row,
            state: moveTo(row.state, "ready"),
            failureReason: null,
            azureTenantId: checked.value.tenantId,
            azureSubscriptionName: checked.value.subscriptionName,
            lastSyncedAt: at,
            updatedAt: at,
          }
        : {
            ...row,
            state: moveTo(row.state, "unavailable"),
            failureReason: checked.error.message,
            lastSyncedAt: at,
            updatedAt: at,
          };
      await db.transaction(async (tx) => {
        await tx
          .update(providers)
          .set({
            state: next.state,
            failureReason: next.failureReason,
            azureTenantId: next.azureTenantId,
            azureSubscriptionName: next.azureSubscriptionName,
            lastSyncedAt: at,
            updatedAt: at,
          })
          .where(eq(providers.id, id));
        await logEvent(tx, caller.actor, row, at, {
          event: checked.ok ? "synced" : "sync_failed",
          from: row.state,
          to: next.state,
          message: checked.ok
            ? `Read subscription "${checked.value.subscriptionName}" (${checked.value.subscriptionId}) with the application ${row.clientId ?? ""}.`
            : checked.error.message,
        });
        await deps.audit.record(tx, caller.actor, {
          orgId: row.orgId,
          costCenterId: row.costCenterId,
          action: "provider.synced",
          targetType: "provider",
          targetId: id,
          details: {
            from: row.state,
            to: next.state,
            ...(checked.ok ? {} : { code: checked.error.code }),
          },
        });
      });
      return ok(view(next));
    },

    /**
     * Replaces option 1's application credentials (a rotated secret, another app registration), checked live
     * against the provider's subscription first: on success the provider is `ready`; on failure nothing changes.
     */
    async replaceCredentials(
      caller: Caller,
      id: string,
      input: Omit<ExistingAccountCredentials, "subscriptionId">,
    ): Promise<Result<Provider, ProviderError>> {
      const found = await changeable(caller, id);
      if (!found.ok) return found;
      const row = found.value;
      if (row.option !== "existing-account" || !row.azureSubscriptionId)
        return err(providerErrors.credentialsNotApplicable(id));
      if (!deps.customerAzure) return err(providerErrors.notConnected());
      const checked = await validateExistingAccount(deps.customerAzure, {
        ...input,
        subscriptionId: row.azureSubscriptionId,
      });
      if (!checked.ok) return checked;
      const at = clock.now();
      const next: Row = {
        ...row,
        state: moveTo(row.state, "ready"),
        failureReason: null,
        tenantInput: input.tenant,
        azureTenantId: checked.value.tenantId,
        azureSubscriptionName: checked.value.subscriptionName,
        clientId: input.clientId,
        clientSecretEncrypted: deps.secrets().encrypt(input.clientSecret),
        lastSyncedAt: at,
        updatedAt: at,
      };
      await db.transaction(async (tx) => {
        await tx
          .update(providers)
          .set({
            state: next.state,
            failureReason: null,
            tenantInput: next.tenantInput,
            azureTenantId: next.azureTenantId,
            azureSubscriptionName: next.azureSubscriptionName,
            clientId: next.clientId,
            clientSecretEncrypted: next.clientSecretEncrypted,
            lastSyncedAt: at,
            updatedAt: at,
          })
          .where(eq(providers.id, id));
        await logEvent(tx, caller.actor, row, at, {
          event: "credentials_replaced",
          from: row.state,
          to: "ready",
          message: `New credentials of application ${input.clientId} checked: it read subscription "${checked.value.subscriptionName}" (${checked.value.subscriptionId}).`,
        });
        await deps.audit.record(tx, caller.actor, {
          orgId: row.orgId,
          costCenterId: row.costCenterId,
          action: "provider.credentials_replaced",
          targetType: "provider",
          targetId: id,
          details: { clientId: input.clientId, tenantId: checked.value.tenantId, from: row.state },
        });
      });
      return ok(view(next));
    },

    /**
     * Deleting: the provider turns `deleting`, then is removed once nothing runs for it (an onboarding run in
     * flight must be cancelled first). Azure is never touched: see DELETION_NOTICE.
     */
    async remove(
      caller: Caller,
      id: string,
    ): Promise<Result<{ provider: Provider; notice: string }, ProviderError>> {
      const found = await changeable(caller, id);
      if (!found.ok) return found;
      const row = found.value;
      const at = clock.now();
      const deleting: Row = { ...row, state: moveTo(row.state, "deleting"), updatedAt: at };
      const starter = deps.newCustomer?.() ?? null;
      const runId = row.onboardingRunId;
      await db.transaction(async (tx) => {
        await tx.update(providers).set({ state: deleting.state, updatedAt: at }).where(eq(providers.id, id));
        await logEvent(tx, caller.actor, row, at, {
          event: "deleting",
          from: row.state,
          to: "deleting",
          message: DELETION_NOTICE,
        });
        // One audit record per request when nothing runs for it (`provider.deleted`); this one when a run does.
        if (runId)
          await deps.audit.record(tx, caller.actor, {
            orgId: row.orgId,
            costCenterId: row.costCenterId,
            action: "provider.deleting",
            targetType: "provider",
            targetId: id,
            details: { name: row.name, from: row.state, onboardingRunId: row.onboardingRunId },
          });
      });
      const stopped = runId && starter ? await starter.stopForDeletion(runId, caller) : "finished";
      const [now] = await db.select().from(providers).where(eq(providers.id, id));
      if (stopped === "finished" && now && now.removedAt === null)
        await finishRemoval(caller.actor, deleting);
      return ok({ provider: view(now ?? deleting), notice: DELETION_NOTICE });
    },

    /** The provider's log, newest first; readable after deletion by those who could see the provider. */
    async logs(
      caller: Caller,
      id: string,
      page: Page,
    ): Promise<Result<PageOf<ProviderEvent>, ProviderError>> {
      const found = await reach(caller, id, "see", { removed: true });
      if (!found.ok) return found;
      const before = page.after === undefined ? undefined : Number(page.after);
      const rows = await db
        .select({
          seq: providerEvents.seq,
          at: providerEvents.at,
          actorId: providerEvents.actorId,
          actorEmail: providerEvents.actorEmail,
          event: providerEvents.event,
          fromState: providerEvents.fromState,
          toState: providerEvents.toState,
          message: providerEvents.message,
        })
        .from(providerEvents)
        .where(
          and(
            eq(providerEvents.providerId, id),
            before !== undefined && Number.isSafeInteger(before) ? lt(providerEvents.seq, before) : undefined,
          ),
        )
        .orderBy(desc(providerEvents.seq))
        .limit(page.limit + 1);
      return ok(pageOf(rows, page.limit, (r) => String(r.seq)));
    },

    /** For the shutdown requests: the provider as its editors reach it, deleted or not. */
    reachForShutdown: (caller: Caller, id: string) => reach(caller, id, "edit", { removed: true }),

    /** For billing accounts: the providers billed on an account (while any is, it cannot be disconnected). */
    async usersOfBillingAccount(billingAccountId: string): Promise<string[]> {
      const rows = await db
        .select({ name: providers.name, id: providers.id })
        .from(providers)
        .where(and(eq(providers.billingAccountId, billingAccountId), isNull(providers.removedAt)));
      return rows.map((r) => `provider "${r.name}" (${r.id})`);
    },

    /**
     * For billing: the providers that bill a partner-cloud account (not removed), oldest first, with where their
     * usage comes from: the Azure tenant and subscription.
     */
    async billedProviders(): Promise<BilledProvider[]> {
      const rows = await db
        .select({
          id: providers.id,
          orgId: providers.orgId,
          costCenterId: providers.costCenterId,
          billingAccountId: providers.billingAccountId,
          tenantId: providers.azureTenantId,
          subscriptionId: providers.azureSubscriptionId,
        })
        .from(providers)
        .where(and(isNull(providers.removedAt), isNotNull(providers.billingAccountId)))
        .orderBy(asc(providers.createdAt), asc(providers.id));
      return rows.flatMap((r) =>
        r.billingAccountId ? [{ ...r, billingAccountId: r.billingAccountId }] : [],
      );
    },

    /** For onboarding: the provider's side of its run (state, log, Azure ids), inside the run's transactions. */
    lifecycle,
  };
}

/** A provider that bills a partner-cloud account, and where its usage comes from. */
export type BilledProvider = {
  id: string;
  orgId: string;
  costCenterId: string;
  billingAccountId: string;
  tenantId: string | null;
  subscriptionId: string | null;
};
