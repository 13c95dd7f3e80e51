import { randomUUID } from "node:crypto";
import os from "node:os";
import type { ArmError, AzureResources } from "../../integrations/arm/index.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../platform/db/types.ts";
import type { Logger } from "../../platform/log.ts";
import type { AuditActor, AuditLog } from "../audit/index.ts";
import { assignmentInput, ruleAllowsExactly, type ResolvedPreset } from "./allowed-services-policy.ts";
import type { ManagedSubscription } from "./deps.ts";
import { createFindings, type DriftFinding } from "./findings.ts";
import { createLeases } from "./leases.ts";
import { createPresets } from "./presets.ts";

export type DriftCheckerDeps = {
  readonly db: Db;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly log?: Logger;
  readonly managedSubscriptions: () => Promise<ManagedSubscription[]>;
  readonly azureResources: (tenantId: string) => AzureResources;
  /** How many subscriptions one process checks at once; 4 unless given. */
  readonly concurrency?: number;
  /** How long a subscription's lease lasts if its holder dies mid-check; 5 minutes unless given. */
  readonly leaseMs?: number;
};

/** What one check of one subscription found and did. */
export type DriftCheckResult = {
  providerId: string;
  orgId: string;
  subscriptionId: string;
  /** ok · repaired (re-granted) · lost (Partner Cloud cannot reach the subscription) · not_checked */
  access: "ok" | "repaired" | "lost" | "not_checked";
  /** ok · repaired (re-applied) · not_checked (access is lost, or the check failed first) */
  policy: "ok" | "repaired" | "not_checked";
  /** True when another process was checking this subscription: this process left it alone. */
  skipped: boolean;
  /** Why the check could not finish (Azure throttling or unavailable, an unknown preset): the next check retries. */
  error: { code: string; message: string } | null;
  /** The findings this check recorded (an `access_lost` already open is not recorded again). */
  findings: DriftFinding[];
};

export type DriftCheckSummary = {
  startedAt: Date;
  finishedAt: Date;
  checked: number;
  repaired: number;
  accessLost: number;
  failed: number;
  skipped: number;
  results: DriftCheckResult[];
};

export const systemActor: AuditActor = { userId: null, email: null, kind: "system", requestId: null };

/**
 * Errors that mean Partner Cloud can no longer act on the subscription at all: Azure refuses its calls
 * (AuthorizationFailed: the role is gone, or the subscription left the tenant), or the customer's tenant no longer
 * gives its application a token (the consent or the partner relationship was removed).
 */
const lostAccess = (e: ArmError) => e.code === "azure_forbidden" || e.code === "azure_sign_in_failed";

/**
 * Re-reads each managed subscription's role and policy assignments and repairs or flags drift: the partner's role
 * assignment re-created under the same name, the allowed-services policy re-applied. When access is lost for good,
 * an open `access_lost` finding says what the customer's administrator must do (lost access also loses the
 * partner's earned credit). Assignments Partner Cloud did not make are left alone.
 */
export function createDriftChecker(deps: DriftCheckerDeps) {
  const findings = createFindings(deps);
  const presets = createPresets(deps);
  const holder = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  const leases = createLeases(deps, holder, deps.leaseMs ?? 5 * 60_000);
  let running: Promise<DriftCheckSummary> | null = null;

  const accessLostProblem = (m: ManagedSubscription, e: ArmError) => ({
    kind: "access_lost" as const,
    severity: "high" as const,
    message:
      `Partner Cloud has lost its access to subscription ${m.subscriptionId} (provider ${m.providerId}): ` +
      (e.code === "azure_sign_in_failed"
        ? "the customer's tenant no longer lets Partner Cloud's application sign in"
        : "Azure refuses Partner Cloud's calls on it") +
      ` (${e.details.microsoftCode ?? e.details.entraCode ?? e.code}). Partner Cloud cannot manage or repair the subscription, and the partner earns no partner earned credit on it while access is lost.`,
    fix:
      `The customer's administrator must restore the partner's access: re-accept the partner relationship (and the consent to Partner Cloud's application) in the customer's tenant, or grant principal ${m.access.principalId} the ${m.access.role} role on subscription ${m.subscriptionId} again. ` +
      "The next drift check then repairs the rest and closes this finding.",
  });

  function result(m: ManagedSubscription): DriftCheckResult {
    return {
      providerId: m.providerId,
      orgId: m.orgId,
      subscriptionId: m.subscriptionId,
      access: "not_checked",
      policy: "not_checked",
      skipped: false,
      error: null,
      findings: [],
    };
  }

  async function markLost(actor: AuditActor, m: ManagedSubscription, e: ArmError, out: DriftCheckResult) {
    out.access = "lost";
    const opened = await findings.open(actor, m, accessLostProblem(m, e));
    if (opened.created) out.findings.push(opened.finding);
    deps.log?.warn(
      { providerId: m.providerId, subscriptionId: m.subscriptionId, code: e.code },
      "drift check: access to the subscription is lost",
    );
    return out;
  }

  function failed(m: ManagedSubscription, e: { code: string; message: string }, out: DriftCheckResult) {
    out.error = { code: e.code, message: e.message };
    deps.log?.warn(
      { providerId: m.providerId, subscriptionId: m.subscriptionId, code: e.code },
      `drift check could not finish: ${e.message}`,
    );
    return out;
  }

  async function checkAccess(
    actor: AuditActor,
    arm: AzureResources,
    m: ManagedSubscription,
    out: DriftCheckResult,
  ): Promise<boolean> {
    const roles = await arm.roleAssignments(m.subscriptionId);
    if (!roles.ok) {
      if (lostAccess(roles.error)) await markLost(actor, m, roles.error, out);
      else failed(m, roles.error, out);
      return false;
    }
    const present = roles.value.some(
      (a) =>
        a.assignmentId.toLowerCase() === m.access.assignmentName.toLowerCase() ||
        (a.principalId === m.access.principalId && a.role === m.access.role),
    );
    if (!present) {
      const granted = await arm.ensureRoleAssignment({
        subscriptionId: m.subscriptionId,
        assignmentId: m.access.assignmentName,
        principalId: m.access.principalId,
        role: m.access.role,
      });
      if (!granted.ok) {
        if (lostAccess(granted.error)) await markLost(actor, m, granted.error, out);
        else failed(m, granted.error, out);
        return false;
      }
      out.access = "repaired";
      out.findings.push(
        await findings.repaired(actor, m, {
          kind: "access_repaired",
          severity: "medium",
          message: `The partner's ${m.access.role} role assignment ${m.access.assignmentName} on subscription ${m.subscriptionId} had been removed; Partner Cloud granted it again under the same name.`,
          fix: null,
        }),
      );
    } else out.access = "ok";
    const closed = await findings.resolve(actor, m, "access_lost");
    if (closed) out.findings.push(closed);
    return true;
  }

  async function checkPolicy(
    actor: AuditActor,
    arm: AzureResources,
    m: ManagedSubscription,
    preset: ResolvedPreset,
    out: DriftCheckResult,
  ): Promise<void> {
    const assignments = await arm.policyAssignments(m.subscriptionId);
    if (!assignments.ok) {
      if (lostAccess(assignments.error)) await markLost(actor, m, assignments.error, out);
      else failed(m, assignments.error, out);
      return;
    }
    const name = m.policy.assignmentName.toLowerCase();
    const current = assignments.value.find((a) => a.name.toLowerCase() === name);
    if (current && current.enforced && ruleAllowsExactly(current.rule, preset.resourceTypes)) {
      out.policy = "ok";
      return;
    }
    const applied = await arm.ensurePolicyAssignment(
      assignmentInput(preset, { subscriptionId: m.subscriptionId, name: m.policy.assignmentName }),
    );
    if (!applied.ok) {
      if (lostAccess(applied.error)) await markLost(actor, m, applied.error, out);
      else failed(m, applied.error, out);
      return;
    }
    const what = !current
      ? "was missing"
      : !current.enforced
        ? "had been set not to enforce"
        : "no longer allowed the preset's resource types";
    out.policy = "repaired";
    out.findings.push(
      await findings.repaired(actor, m, {
        kind: "policy_repaired",
        severity: "medium",
        message: `The allowed-services policy assignment ${m.policy.assignmentName} on subscription ${m.subscriptionId} ${what}; Partner Cloud applied the preset "${preset.label}" (${preset.resourceTypes.length} resource types) again.`,
        fix: null,
      }),
    );
  }

  async function checkOne(
    m: ManagedSubscription,
    actor: AuditActor = systemActor,
  ): Promise<DriftCheckResult> {
    const out = result(m);
    if (!(await leases.take(m.subscriptionId))) {
      out.skipped = true;
      return out;
    }
    try {
      const preset = await presets.resolvePreset(m.policy.presetId, "policy.presetId");
      const arm = deps.azureResources(m.tenantId);
      if (!(await checkAccess(actor, arm, m, out))) return out;
      if (!preset.ok) return failed(m, preset.error, out);
      await checkPolicy(actor, arm, m, preset.value, out);
      return out;
    } finally {
      await leases.release(m.subscriptionId);
    }
  }

  async function runAll(actor: AuditActor): Promise<DriftCheckSummary> {
    const startedAt = deps.clock.now();
    const managed = await deps.managedSubscriptions();
    const results: DriftCheckResult[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++, m = managed[i]; m; i = next++, m = managed[i])
        results[i] = await checkOne(m, actor);
    };
    await Promise.all(Array.from({ length: Math.min(deps.concurrency ?? 4, managed.length) }, worker));
    const count = (p: (r: DriftCheckResult) => boolean) => results.filter(p).length;
    const summary: DriftCheckSummary = {
      startedAt,
      finishedAt: deps.clock.now(),
      checked: count((r) => !r.skipped),
      repaired: count((r) => r.access === "repaired" || r.policy === "repaired"),
      accessLost: count((r) => r.access === "lost"),
      failed: count((r) => r.error !== null),
      skipped: count((r) => r.skipped),
      results,
    };
    deps.log?.info(
      { ...summary, results: undefined },
      `drift check: ${summary.checked} subscriptions checked, ${summary.repaired} repaired, ${summary.accessLost} without access`,
    );
    return summary;
  }

  /** Checks every managed subscription; while a check runs, calling again joins it instead of starting another. */
  function checkAll(actor: AuditActor = systemActor): Promise<DriftCheckSummary> {
    running ??= runAll(actor).finally(() => {
      running = null;
    });
    return running;
  }

  return {
    checkAll,
    checkOne,
    findingsOf: findings.findingsOf,
    openFindings: findings.openFindings,
    listFindings: findings.list,

    /**
     * Runs `checkAll` every `intervalMs` in this process. A tick while a check still runs is skipped; a failed
     * check is logged and the next tick tries again. `stop()` ends the timer and waits for a running check.
     */
    startSchedule(opts: { intervalMs: number }): { stop(): Promise<void> } {
      const timer = setInterval(() => {
        if (running) {
          deps.log?.debug("drift check still running: this tick is skipped");
          return;
        }
        checkAll().catch((e: unknown) => deps.log?.error({ err: e }, "drift check failed"));
      }, opts.intervalMs);
      return {
        async stop() {
          clearInterval(timer);
          await running?.catch(() => undefined);
        },
      };
    },
  };
}

export type DriftChecker = ReturnType<typeof createDriftChecker>;
