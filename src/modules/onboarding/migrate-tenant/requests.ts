import type { Executor } from "../../../platform/db/types.ts";
import { err, ok, type AppError, type Result } from "../../../platform/result.ts";
import type { Caller } from "../../tenancy/index.ts";
import { checkOptimizedRequest } from "../billing-check.ts";
import { customerRecords } from "../customers.ts";
import type { OnboardingDeps } from "../deps.ts";
import type { WorkflowDefinition } from "../engine/definitions.ts";
import type { WorkflowEngine } from "../engine/engine.ts";
import { onboardingErrors } from "../errors.ts";
import type { MigrateTenantRunInput } from "./input.ts";

export type MigrateTenantRequest = {
  billingAccountId: string;
  allowedServices?: string | undefined;
  adminEmail?: unknown;
  primaryDomain?: unknown;
};

export type PreparedMigration = {
  billingAccountId: string;
  allowedServices: string;
  adminEmail: string;
  primaryDomain: string;
};

type Scope = { orgId: string; costCenterId: string; workspaceId: string };

/** The request-time half of option 2: the same billing-account checks as option 3, nothing sent yet. */
export function migrateTenantRequests(
  deps: OnboardingDeps,
  engine: WorkflowEngine,
  workflow: WorkflowDefinition<MigrateTenantRunInput>,
) {
  return {
    async prepare(
      caller: Caller,
      scope: Scope,
      req: MigrateTenantRequest,
    ): Promise<Result<PreparedMigration, AppError>> {
      const checked = await checkOptimizedRequest(deps, scope, req);
      if (!checked.ok) return checked;
      const { account, presetId } = checked.value;
      if (await customerRecords.of(deps.db, scope.orgId)) return err(onboardingErrors.customerExists());
      if (typeof req.adminEmail !== "string" || typeof req.primaryDomain !== "string")
        throw new Error("adminEmail and primaryDomain are checked by the API's schema");
      return ok({
        billingAccountId: account.id,
        allowedServices: presetId,
        adminEmail: req.adminEmail,
        primaryDomain: req.primaryDomain.toLowerCase(),
      });
    },

    async start(
      tx: Executor,
      p: {
        caller: Caller;
        scope: Scope;
        providerId: string;
        providerName: string;
        prepared: PreparedMigration;
      },
    ): Promise<{ runId: string }> {
      const input: MigrateTenantRunInput = {
        providerId: p.providerId,
        providerName: p.providerName,
        ...p.scope,
        billingAccountId: p.prepared.billingAccountId,
        requestedBy: p.caller.actor.userId ?? "system",
        allowedServices: p.prepared.allowedServices,
        adminEmail: p.prepared.adminEmail,
        primaryDomain: p.prepared.primaryDomain,
      };
      const started = await engine.start(tx, {
        workflow,
        key: p.providerId,
        input,
        subject: { type: "provider", id: p.providerId, orgId: p.scope.orgId },
      });
      if (!started.ok)
        throw new Error(`starting the migration for ${p.providerId}: ${started.error.message}`);
      return { runId: started.value.run.id };
    },
  };
}
