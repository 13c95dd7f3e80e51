import { z } from "zod";
import { nameBasedUuid } from "../../../platform/name-based-uuid.ts";
import { done, fail, retry, type Step } from "../engine/definitions.ts";
import type { MicrosoftPorts, OnboardingDeps } from "../deps.ts";
import { ourPrincipalIn } from "./customer-steps.ts";
import type { NewCustomerRunInput } from "./input.ts";
import { outcomeOfError } from "./outcomes.ts";

/** What the access steps need of a run's input: which provider, and the allowed-services preset. */
type AccessInput = Pick<NewCustomerRunInput, "providerId" | "allowedServices">;

/** Our namespace for ARM assignment names (a UUIDv5 of run, subscription and role): fixed forever. */
const ASSIGNMENT_NAMESPACE = Buffer.from("9d1c6f0e2b7a4c55a3e8f41b6d0c2e97", "hex");
/** The role Partner Cloud holds on the subscriptions it manages (seed 000: Owner). */
export const MANAGED_ROLE = "Owner" as const;
/** The one policy assignment of the allowed services on a managed subscription; its name is our key. */
export const ALLOWED_SERVICES_ASSIGNMENT = "partner-cloud-allowed-services";

/** The linked subscriptions: one for a new customer, every one under the partner for a migrated tenant. */
const Linked = z.object({
  tenantId: z.string(),
  subscriptionId: z.string(),
  subscriptionIds: z.array(z.string()).optional(),
});
const targetsOf = (l: z.infer<typeof Linked>) => l.subscriptionIds ?? [l.subscriptionId];

export const roleAssignmentName = (runId: string, subscriptionId: string) =>
  nameBasedUuid(ASSIGNMENT_NAMESPACE, `${runId}:${subscriptionId}:${MANAGED_ROLE}`);

/** Partner Cloud's own access (C3), the allowed services (C4), and the provider turning ready. */
export function accessSteps<I extends AccessInput>(
  deps: OnboardingDeps,
  ms: () => MicrosoftPorts,
): Step<I>[] {
  return [
    {
      id: "grant-access",
      // One assignment per subscription under a name fixed by run, subscription and role: a repeat changes nothing.
      async run(ctx) {
        const linked = ctx.output("link-billing-account", Linked);
        const principal = await ourPrincipalIn(ms(), linked.tenantId);
        if (!principal.ok) return outcomeOfError(principal.error, "Signing in to the customer's tenant");
        if (!principal.value)
          return fail({
            code: "principal_unknown",
            message: "Entra ID's token for the customer's tenant names no service principal (no oid claim).",
          });
        const assignments: { subscriptionId: string; assignmentId: string }[] = [];
        for (const subscriptionId of targetsOf(linked)) {
          const granted = await ms()
            .azureResources(linked.tenantId)
            .ensureRoleAssignment({
              subscriptionId,
              assignmentId: roleAssignmentName(ctx.runId, subscriptionId),
              principalId: principal.value,
              principalType: "ServicePrincipal",
              role: MANAGED_ROLE,
            });
          if (!granted.ok) {
            // A service principal a consent made moments ago may not be visible to ARM yet (C3): look again soon.
            if (granted.error.details.microsoftCode === "PrincipalNotFound")
              return retry({
                afterMs: 10_000,
                reason: "Azure does not see Partner Cloud's service principal yet",
              });
            return outcomeOfError(granted.error, "Granting Partner Cloud access to the subscription");
          }
          assignments.push({ subscriptionId, assignmentId: granted.value.assignmentId });
        }
        return done({
          assignmentId: assignments[0]?.assignmentId,
          principalId: principal.value,
          role: MANAGED_ROLE,
          assignments,
        });
      },
    },
    {
      id: "apply-policy",
      async run(ctx) {
        const linked = ctx.output("link-billing-account", Linked);
        const preset = await deps.allowedServices().resolve(ctx.input.allowedServices);
        if (!preset.ok) return fail({ code: preset.error.code, message: preset.error.message });
        let name = ALLOWED_SERVICES_ASSIGNMENT;
        for (const subscriptionId of targetsOf(linked)) {
          const applied = await ms()
            .azureResources(linked.tenantId)
            .ensurePolicyAssignment({
              subscriptionId,
              name: ALLOWED_SERVICES_ASSIGNMENT,
              displayName: `Partner Cloud allowed services (${preset.value.label})`,
              allowedResourceTypes: preset.value.resourceTypes,
            });
          if (!applied.ok) return outcomeOfError(applied.error, "Applying the allowed services");
          name = applied.value.name;
        }
        return done({
          name,
          presetId: preset.value.presetId,
          resourceTypes: preset.value.resourceTypes.length,
          subscriptionIds: targetsOf(linked),
        });
      },
    },
    {
      id: "mark-ready",
      transactional: true,
      async run(ctx) {
        await deps.providers().moveTo(ctx.tx, ctx.input.providerId, "ready", {
          event: "onboarding_succeeded",
          message:
            "The Azure subscription is ready: Partner Cloud has its access and the allowed services are applied.",
        });
        return done({ ready: true });
      },
    },
  ];
}
