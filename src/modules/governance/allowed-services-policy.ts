import type { PolicyAssignmentInput, ResourceTypeRule } from "../../integrations/arm/index.ts";

/** A preset resolved against the catalog: the resource types its policy allows. */
export type ResolvedPreset = {
  readonly presetId: string;
  readonly label: string;
  /** Sorted, each type once. */
  readonly resourceTypes: string[];
};

/** What the partner's policy assignment is called in the Azure portal, e.g. "Partner Cloud allowed services (IaaS)". */
export const policyDisplayName = (label: string): string => `Partner Cloud allowed services (${label})`;

/** The "Allowed resource types" assignment (C4) that applies a resolved preset to a subscription. */
export function assignmentInput(
  preset: ResolvedPreset,
  target: { subscriptionId: string; name: string },
): PolicyAssignmentInput {
  return {
    subscriptionId: target.subscriptionId,
    name: target.name,
    displayName: policyDisplayName(preset.label),
    allowedResourceTypes: preset.resourceTypes,
  };
}

/**
 * Whether an assignment's rule allows exactly the expected types. ARM compares resource types without regard to
 * case, and the order of the list does not matter.
 */
export function ruleAllowsExactly(rule: ResourceTypeRule | null, expected: readonly string[]): boolean {
  if (!rule || !("allowedResourceTypes" in rule)) return false;
  const key = (types: readonly string[]) => [...new Set(types.map((t) => t.toLowerCase()))].sort().join("\n");
  return key(rule.allowedResourceTypes) === key(expected);
}
