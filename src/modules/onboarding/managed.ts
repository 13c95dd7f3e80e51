import { and, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import type { OnboardingDeps } from "./deps.ts";
import { MIGRATE_TENANT_WORKFLOW } from "./migrate-tenant/workflow.ts";
import { NEW_CUSTOMER_WORKFLOW } from "./new-customer/workflow.ts";
import { workflowRuns, workflowSteps } from "./tables.ts";

const Granted = z.object({
  assignmentId: z.string(),
  principalId: z.string(),
  role: z.literal("Owner"),
  assignments: z.array(z.object({ subscriptionId: z.string(), assignmentId: z.string() })).optional(),
});
const Subject = z.object({ providerId: z.string(), orgId: z.string() });
const Applied = z.object({ name: z.string(), presetId: z.string() });
const Linked = z.object({ tenantId: z.string(), subscriptionId: z.string() });

/** A subscription onboarding finished, with the access and the policy it put there (what drift checks compare). */
export type ManagedSubscription = {
  providerId: string;
  orgId: string;
  tenantId: string;
  subscriptionId: string;
  access: { principalId: string; role: "Owner"; assignmentName: string };
  policy: { assignmentName: string; presetId: string };
};

/**
 * Every subscription of a succeeded onboarding (one for a new customer, each of a migrated tenant's) whose provider
 * is still managed, read from the runs' saved outputs.
 */
export async function managedSubscriptions(deps: OnboardingDeps): Promise<ManagedSubscription[]> {
  const grant = alias(workflowSteps, "grant");
  const policy = alias(workflowSteps, "policy");
  const link = alias(workflowSteps, "link");
  const rows = await deps.db
    .select({ input: workflowRuns.input, grant: grant.output, policy: policy.output, link: link.output })
    .from(workflowRuns)
    .innerJoin(grant, and(eq(grant.runId, workflowRuns.id), eq(grant.stepId, "grant-access")))
    .innerJoin(policy, and(eq(policy.runId, workflowRuns.id), eq(policy.stepId, "apply-policy")))
    .innerJoin(link, and(eq(link.runId, workflowRuns.id), eq(link.stepId, "link-billing-account")))
    .where(
      and(
        inArray(workflowRuns.workflow, [NEW_CUSTOMER_WORKFLOW, MIGRATE_TENANT_WORKFLOW]),
        eq(workflowRuns.state, "succeeded"),
      ),
    );
  const all = rows.flatMap((r): ManagedSubscription[] => {
    const input = Subject.parse(r.input);
    const granted = Granted.parse(r.grant);
    const applied = Applied.parse(r.policy);
    const linked = Linked.parse(r.link);
    const assignments = granted.assignments ?? [
      { subscriptionId: linked.subscriptionId, assignmentId: granted.assignmentId },
    ];
    return assignments.map((a) => ({
      providerId: input.providerId,
      orgId: input.orgId,
      tenantId: linked.tenantId,
      subscriptionId: a.subscriptionId,
      access: { principalId: granted.principalId, role: granted.role, assignmentName: a.assignmentId },
      policy: { assignmentName: applied.name, presetId: applied.presetId },
    }));
  });
  const managed = await deps.providers().stillManaged(all.map((m) => m.providerId));
  return all.filter((m) => managed.has(m.providerId));
}
