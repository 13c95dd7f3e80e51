import type { Caller } from "../tenancy/index.ts";
import { customerRecords, customerView, type AzureCustomer } from "./customers.ts";
import type { OnboardingDeps } from "./deps.ts";
import { createWorkflowEngine } from "./engine/engine.ts";
import type { RunView } from "./engine/runs.ts";
import type { RunState } from "./engine/store.ts";
import { onboardingErrors } from "./errors.ts";
import { newCustomerRequests } from "./new-customer/requests.ts";
import {
  NEW_CUSTOMER_WORKFLOW,
  newCustomerStepLabels,
  newCustomerWorkflow,
} from "./new-customer/workflow.ts";
import { managedSubscriptions } from "./managed.ts";
import { progressOf, type OnboardingProgress } from "./progress.ts";
import { providerTransitions } from "./transitions.ts";
import { migrateTenantRequests } from "./migrate-tenant/requests.ts";
import {
  MIGRATE_TENANT_WORKFLOW,
  migrateTenantStepLabels,
  migrateTenantWorkflow,
} from "./migrate-tenant/workflow.ts";
import { migrationService } from "./migrate-tenant/migrations.ts";
import type { MigrationView } from "./migrate-tenant/view.ts";
import { err, ok, type AppError, type Result } from "../../platform/result.ts";

const OPERATORS_ONLY = "Only the partner's operators act on onboarding runs.";

/**
 * Onboarding: the workflow engine (docs/adr/0004) with the workflows registered on it, the requests that start
 * them, their progress, the operators' actions on runs, and the organizations' Azure customers.
 */
export function createOnboarding(deps: OnboardingDeps) {
  const engine = createWorkflowEngine({
    db: deps.db,
    clock: deps.clock,
    ...(deps.random ? { random: deps.random } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });
  const newCustomer = newCustomerWorkflow(deps);
  const migrateTenant = migrateTenantWorkflow(deps);
  engine.register(newCustomer);
  engine.register(migrateTenant);
  /** Each workflow's steps in order and their labels, for the progress view. */
  const shapes: Record<string, { stepIds: string[]; labels: Readonly<Record<string, string>> }> = {
    [NEW_CUSTOMER_WORKFLOW]: { stepIds: newCustomer.steps.map((s) => s.id), labels: newCustomerStepLabels },
    [MIGRATE_TENANT_WORKFLOW]: {
      stepIds: migrateTenant.steps.map((s) => s.id),
      labels: migrateTenantStepLabels,
    },
  };
  const labelOf = (stepId: string) =>
    newCustomerStepLabels[stepId] ?? migrateTenantStepLabels[stepId] ?? stepId;
  const migrations = migrationService(deps, engine);
  const progressOfRun = async (
    run: RunView,
  ): Promise<OnboardingProgress & { migration: MigrationView | null }> => {
    const shape = shapes[run.workflow] ?? { stepIds: [], labels: {} };
    return {
      ...progressOf(run, shape.stepIds, shape.labels, await engine.stepsOf(run.id)),
      migration: await migrations.view(run),
    };
  };
  engine.onTransition(providerTransitions(deps, labelOf));

  const operatorOnly = (caller: Caller): AppError | null =>
    caller.principal.isOperator ? null : onboardingErrors.forbidden(OPERATORS_ONLY);

  async function customerFor(caller: Caller, orgId: string) {
    const p = caller.principal;
    const mayRead =
      p.isOperator || (p.orgId === orgId && (p.orgRole === "admin" || p.costCenterAdminOf.size > 0));
    if (p.orgId !== orgId && !p.isOperator) return err(onboardingErrors.notFound("organization", orgId));
    if (!mayRead)
      return err(
        onboardingErrors.forbidden(
          "Only organization administrators and cost-center administrators see the organization's Azure customer.",
        ),
      );
    const row = await customerRecords.of(deps.db, orgId);
    if (!row)
      return err({
        code: "azure_customer_not_found",
        message:
          "This organization has no Azure customer yet: create a provider with the option new-customer.",
        retryable: false,
      });
    return ok(row);
  }

  /** A deleted provider's run is cancelled (the provider is removed once that is through), or it had ended. */
  async function stopForDeletion(runId: string, caller: Caller): Promise<"finished" | "cancelling"> {
    const run = await engine.runOf(runId);
    if (!run || run.state === "succeeded" || run.state === "cancelled") return "finished";
    const cancelled = await engine.cancel(runId, "The provider was deleted.", caller.principal.userId);
    return cancelled.ok && cancelled.value.state === "cancelled" ? "finished" : "cancelling";
  }

  return {
    engine,
    newCustomer: { ...newCustomerRequests(deps, engine, newCustomer), stopForDeletion },
    migrateTenant: {
      ...migrateTenantRequests(deps, engine, migrateTenant),
      stopForDeletion,
      /** The requester sends the invitation of a provider's migration again. */
      async resendInvitation(caller: Caller, runId: string): Promise<Result<MigrationView, AppError>> {
        const run = await engine.runOf(runId);
        if (!run || run.workflow !== MIGRATE_TENANT_WORKFLOW)
          return err(onboardingErrors.notFound("migration", runId));
        return migrations.resend(caller, run);
      },
      /** The requester keeps one of the tenant's subscriptions out of the migration. */
      async leaveOutSubscription(
        caller: Caller,
        runId: string,
        subscriptionId: string,
      ): Promise<Result<MigrationView, AppError>> {
        const run = await engine.runOf(runId);
        if (!run || run.workflow !== MIGRATE_TENANT_WORKFLOW)
          return err(onboardingErrors.notFound("migration", runId));
        return migrations.leaveOut(caller, run, subscriptionId);
      },
      acceptedByCustomer: (customerTenantId: string) => migrations.acceptedByCustomer(customerTenantId),
      sendDueReminders: (max?: number) => migrations.sendDueReminders(max),
      startReminders: (p: { intervalMs: number }) => migrations.startReminders(p),
      invitation: (token: string) => migrations.invitation(token),
      declineInvitation: (token: string, reason: string | null, requestId: string | null) =>
        migrations.decline(token, reason, requestId),
      tasks: (caller: Caller, state: "open" | "done" | "all") => migrations.tasks(caller, state),
      completeTask: (
        caller: Caller,
        taskId: string,
        input: { note?: string | undefined; targetSubscriptionId?: string | undefined },
      ) => migrations.completeTask(caller, taskId, input),
    },

    /** A run's progress as the console shows it; null when the run does not exist. */
    async progress(
      runId: string,
    ): Promise<(OnboardingProgress & { migration: MigrationView | null }) | null> {
      const run = await engine.runOf(runId);
      return run ? progressOfRun(run) : null;
    },

    /** The organization's Azure customer (never its password), for its administrators. */
    async azureCustomer(caller: Caller, orgId: string): Promise<Result<AzureCustomer, AppError>> {
      const found = await customerFor(caller, orgId);
      return found.ok ? ok(customerView(found.value)) : found;
    },

    /**
     * "Show credentials": the customer's first Global Administrator and password, once, to whoever created the
     * first subscription, after they type their own password again. The password is then erased.
     */
    async revealCredentials(
      caller: Caller,
      orgId: string,
      password: string,
    ): Promise<Result<{ userName: string; password: string }, AppError>> {
      const found = await customerFor(caller, orgId);
      if (!found.ok) return found;
      const row = found.value;
      if (row.createdBy !== caller.principal.userId)
        return err(
          onboardingErrors.forbidden(
            "Only the administrator who created the organization's first Azure subscription may see these credentials once.",
          ),
        );
      if (!(await deps.reauthenticate(caller, password))) return err(onboardingErrors.wrongPassword());
      return deps.db.transaction(async (tx) => {
        const fresh = await customerRecords.of(tx, orgId);
        if (!fresh?.adminPasswordSealed || !fresh.adminUserName || fresh.credentials !== "available")
          return err(onboardingErrors.credentialsGone(fresh?.credentials ?? "unavailable"));
        const opened = deps.secrets().decrypt(fresh.adminPasswordSealed);
        if (!opened.ok) return err(onboardingErrors.credentialsGone("unavailable"));
        const at = deps.clock.now();
        if (!(await customerRecords.credentialsShown(tx, orgId, at)))
          return err(onboardingErrors.credentialsGone("shown"));
        await deps.audit.record(tx, caller.actor, {
          orgId,
          action: "azure_customer.credentials_shown",
          targetType: "azure_customer",
          targetId: fresh.id,
          details: { userName: fresh.adminUserName },
        });
        return ok({ userName: fresh.adminUserName, password: opened.value });
      });
    },

    /** Operators: runs that need attention (stuck, failed) or are in flight, most recently changed first. */
    async runs(caller: Caller, states: readonly RunState[]): Promise<Result<RunView[], AppError>> {
      const refused = operatorOnly(caller);
      if (refused) return err(refused);
      return ok(await engine.runsIn(states));
    },

    async run(
      caller: Caller,
      runId: string,
    ): Promise<Result<OnboardingProgress & { migration: MigrationView | null; run: RunView }, AppError>> {
      const refused = operatorOnly(caller);
      if (refused) return err(refused);
      const run = await engine.runOf(runId);
      if (!run) return err(onboardingErrors.notFound("onboarding run", runId));
      return ok({ ...(await progressOfRun(run)), run });
    },

    /** Operators act on a run; each action is a transition, so it is audited and announced like any other. */
    async act(
      caller: Caller,
      runId: string,
      action: { kind: "retry" } | { kind: "resume" } | { kind: "cancel"; reason: string },
    ): Promise<Result<RunView, AppError>> {
      const refused = operatorOnly(caller);
      if (refused) return err(refused);
      const by = caller.principal.userId;
      const done =
        action.kind === "retry"
          ? await engine.retryStep(runId, by)
          : action.kind === "resume"
            ? await engine.resume(runId, by)
            : await engine.cancel(runId, action.reason, by);
      if (done.ok) {
        await deps.db.transaction((tx) =>
          deps.audit.record(tx, caller.actor, {
            orgId: done.value.subject["orgId"] ?? null,
            action: `onboarding.${action.kind === "retry" ? "retry_requested" : action.kind === "resume" ? "resumed" : "cancel_requested"}`,
            targetType: "onboarding_run",
            targetId: runId,
            details: {
              providerId: done.value.subject["id"] ?? null,
              stepId: done.value.stepId,
              ...(action.kind === "cancel" ? { reason: action.reason } : {}),
            },
          }),
        );
        return done;
      }
      return err(
        done.error.code === "workflow_run_not_found"
          ? onboardingErrors.notFound("onboarding run", runId)
          : onboardingErrors.runNotActionable(done.error),
      );
    },

    /** The subscriptions onboarding put under management, for the drift checks. */
    managedSubscriptions: () => managedSubscriptions(deps),

    /** The run of a provider, keyed by its id. */
    runOfProvider: async (providerId: string) =>
      (await engine.runByKey(NEW_CUSTOMER_WORKFLOW, providerId)) ??
      (await engine.runByKey(MIGRATE_TENANT_WORKFLOW, providerId)),

    startWorker: (p: { concurrency?: number; pollMs?: number } = {}) => engine.startWorker(p),
    runDue: (max?: number) => engine.runDue(max),
  };
}

export type Onboarding = ReturnType<typeof createOnboarding>;
export type {
  OnboardingDeps,
  MicrosoftPorts,
  BillingChecks,
  ProviderLifecycle,
  AllowedServices,
  WebhookOutbox,
} from "./deps.ts";
export type { OnboardingProgress, StepStatus } from "./progress.ts";
export type { MigrationView, MigrationPhase, TechnicalTaskView } from "./migrate-tenant/view.ts";
export type { PublicInvitation } from "./migrate-tenant/migrations.ts";
export type { AzureCustomer } from "./customers.ts";
export type { NewCustomerRequest, PreparedNewCustomer } from "./new-customer/requests.ts";
export { CustomerProfileInput } from "./new-customer/input.ts";
export { NEW_CUSTOMER_WORKFLOW } from "./new-customer/workflow.ts";
export { MIGRATE_TENANT_WORKFLOW } from "./migrate-tenant/workflow.ts";
export {
  ALLOWED_SERVICES_ASSIGNMENT,
  MANAGED_ROLE,
  roleAssignmentName,
} from "./new-customer/access-steps.ts";
export { createWorkflowEngine, defaultEngineOptions } from "./engine/engine.ts";
export type { WorkflowEngine } from "./engine/engine.ts";
export { defineWorkflow, done, retry, wait, fail } from "./engine/definitions.ts";
export type {
  WorkflowDefinition,
  Step,
  ExternalStep,
  LocalStep,
  StepContext,
  StepOutcome,
  UndoOutcome,
} from "./engine/definitions.ts";
export type { RunView } from "./engine/runs.ts";
export type { RunEvent, RunEventType, RunState, TransitionListener, EngineOptions } from "./engine/store.ts";
export type { EngineError } from "./engine/errors.ts";
