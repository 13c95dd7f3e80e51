import type { Page, PageOf } from "../../platform/pagination.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { Caller } from "../tenancy/index.ts";
import { serviceCatalog, type CatalogService } from "./catalog.ts";
import type { GovernanceDeps } from "./deps.ts";
import { createDriftChecker, type DriftCheckSummary } from "./drift-checker.ts";
import { governanceErrors, type GovernanceError } from "./errors.ts";
import { createFindings, type DriftFinding } from "./findings.ts";
import { createPresets } from "./presets.ts";

/**
 * The partner's governance of managed Azure subscriptions: the allowed-services catalog and presets (what the
 * "Allowed resource types" policy of a subscription lists), and drift checks that repair or flag the partner's
 * role and policy assignments.
 */
export function createGovernance(deps: GovernanceDeps) {
  const presets = createPresets(deps);
  const findings = createFindings(deps);
  const azureResources = deps.azureResources;
  /** Null when this process is not connected to Microsoft. */
  const drift = azureResources ? createDriftChecker({ ...deps, azureResources }) : null;

  return {
    /** The services the partner may allow, with the ARM resource types each covers. */
    catalog: (): readonly CatalogService[] => serviceCatalog,
    presets: { list: presets.list, create: presets.create, update: presets.update, remove: presets.remove },
    settings: presets.settings,
    /** For onboarding: the resource types of a preset (undefined: the partner's default), or `unknown_preset`. */
    resolvePreset: presets.resolvePreset,
    /** For onboarding: the policy assignment to apply to a new subscription. */
    policyAssignmentFor: presets.policyAssignmentFor,
    /** For providers: a provider's drift findings, newest first. */
    findingsOf: findings.findingsOf,
    /** Every open drift finding, newest first. */
    openFindings: findings.openFindings,
    /** The drift checker, for a worker to schedule (`drift.startSchedule({ intervalMs })`); null when not connected. */
    drift,

    async listFindings(
      caller: Caller,
      filter: { status?: "open" | "resolved" },
      page: Page,
    ): Promise<Result<PageOf<DriftFinding>, GovernanceError>> {
      if (!caller.principal.isOperator) return err(governanceErrors.forbidden());
      return ok(await findings.list(filter, page));
    },

    /**
     * Checks every managed subscription now, on an operator's request; the summary says what was repaired. The
     * request is audited (`drift.check_run`, with the counts) besides each finding it records.
     */
    async runDriftCheck(caller: Caller): Promise<Result<DriftCheckSummary, GovernanceError>> {
      if (!caller.principal.isOperator) return err(governanceErrors.forbidden());
      if (!drift) return err(governanceErrors.notConnected());
      const summary = await drift.checkAll(caller.actor);
      await deps.audit.record(deps.db, caller.actor, {
        orgId: null,
        action: "drift.check_run",
        targetType: "drift_check",
        targetId: null,
        details: {
          checked: summary.checked,
          repaired: summary.repaired,
          accessLost: summary.accessLost,
          failed: summary.failed,
          skipped: summary.skipped,
        },
      });
      return ok(summary);
    },
  };
}

export type Governance = ReturnType<typeof createGovernance>;
export type { GovernanceDeps, ManagedSubscription } from "./deps.ts";
export type { GovernanceError } from "./errors.ts";
export { governanceErrors } from "./errors.ts";
export { serviceCategories, serviceCatalog, iaasServiceIds, resourceTypesOf } from "./catalog.ts";
export type { CatalogService, ServiceCategory } from "./catalog.ts";
export { DEFAULT_PRESET_ID } from "./presets.ts";
export type { GovernanceSettings, NewPreset, Preset, PresetChange } from "./presets.ts";
export { policyDisplayName, ruleAllowsExactly } from "./allowed-services-policy.ts";
export type { ResolvedPreset } from "./allowed-services-policy.ts";
export { createDriftChecker, systemActor } from "./drift-checker.ts";
export type { DriftChecker, DriftCheckerDeps, DriftCheckResult, DriftCheckSummary } from "./drift-checker.ts";
export type { DriftFinding, DriftFindingKind, DriftFindingSeverity } from "./findings.ts";
