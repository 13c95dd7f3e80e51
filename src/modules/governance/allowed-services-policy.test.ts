import assert from "node:assert/strict";
import { test } from "node:test";
import type { ResourceTypeRule } from "../../integrations/arm/index.ts";
import { assignmentInput, policyDisplayName, ruleAllowsExactly } from "./allowed-services-policy.ts";

const expected = ["Microsoft.Compute/virtualMachines", "Microsoft.Storage/storageAccounts"];

const rules: { name: string; rule: ResourceTypeRule | null; matches: boolean }[] = [
  { name: "the same list", rule: { allowedResourceTypes: [...expected] }, matches: true },
  {
    name: "the same list in another order and case",
    rule: {
      allowedResourceTypes: ["microsoft.storage/storageaccounts", "Microsoft.Compute/virtualMachines"],
    },
    matches: true,
  },
  {
    name: "the same list with a repeated type",
    rule: { allowedResourceTypes: [...expected, "Microsoft.Storage/storageAccounts"] },
    matches: true,
  },
  {
    name: "a list missing a type",
    rule: { allowedResourceTypes: ["Microsoft.Compute/virtualMachines"] },
    matches: false,
  },
  {
    name: "a list with an extra type",
    rule: { allowedResourceTypes: [...expected, "Microsoft.Web/sites"] },
    matches: false,
  },
  {
    name: "a not-allowed list of the same types",
    rule: { notAllowedResourceTypes: [...expected] },
    matches: false,
  },
  { name: "another policy altogether", rule: null, matches: false },
];

for (const r of rules)
  void test(`an assignment with ${r.name} ${r.matches ? "matches" : "does not match"} the preset`, () => {
    assert.equal(ruleAllowsExactly(r.rule, expected), r.matches);
  });

void test("the assignment for a preset names it for the Azure portal and allows exactly its types", () => {
  const input = assignmentInput(
    { presetId: "iaas", label: "IaaS", resourceTypes: expected },
    { subscriptionId: "00000000-0000-0000-0000-000000000001", name: "pc-allowed-services" },
  );
  assert.deepEqual(input, {
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    name: "pc-allowed-services",
    displayName: "Partner Cloud allowed services (IaaS)",
    allowedResourceTypes: expected,
  });
  assert.equal(policyDisplayName("All services"), "Partner Cloud allowed services (All services)");
});
