// Runs Microsoft's own @azure/arm-policy and @azure/arm-resources, unmodified, against an endpoint (the emulator):
// assigns "Allowed resource types", then creates an allowed and a disallowed resource. Prints one JSON line.
import { ClientSecretCredential } from "@azure/identity";
import { PolicyClient } from "@azure/arm-policy";
import { ResourceManagementClient } from "@azure/arm-resources";

const [endpoint = "", tenant = "", clientId = "", secret = "", subscriptionId = ""] = process.argv.slice(2);
const credential = new ClientSecretCredential(tenant, clientId, secret, {
  authorityHost: endpoint,
  disableInstanceDiscovery: true,
});
const options = { endpoint, credentialScopes: ["https://management.azure.com/.default"] };
const policy = new PolicyClient(credential, subscriptionId, options);
const rm = new ResourceManagementClient(credential, subscriptionId, options);
const scope = `/subscriptions/${subscriptionId}`;
const allowedTypes = "a08ec900-254a-4555-9bf5-e42af04b5c5c";
const errorOf = async (f: () => Promise<unknown>) => {
  try {
    await f();
    return { status: 0, code: "none" };
  } catch (e) {
    const err = e as {
      statusCode?: number;
      code?: string;
      details?: { error?: { additionalInfo?: { type?: string }[] } };
    };
    return {
      status: err.statusCode ?? 0,
      code: err.code ?? "",
      info: err.details?.error?.additionalInfo?.[0]?.type ?? "",
    };
  }
};
try {
  const definition = await policy.policyDefinitions.getBuiltIn(allowedTypes);
  const assignment = await policy.policyAssignments.create(scope, "pc-allowed-types", {
    displayName: "Partner Cloud: allowed resource types",
    policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${allowedTypes}`,
    parameters: {
      listOfResourceTypesAllowed: { value: ["Microsoft.Storage/storageAccounts"] },
      effect: { value: "Deny" },
    },
    enforcementMode: "Default",
  });
  await rm.resourceGroups.createOrUpdate("rg-policy", { location: "eastus" });
  const storage = await rm.resources.beginCreateOrUpdateAndWait(
    "rg-policy",
    "Microsoft.Storage",
    "",
    "storageAccounts",
    "pcstore1",
    "2023-05-01",
    {
      location: "eastus",
    },
  );
  const vm = await errorOf(() =>
    rm.resources.beginCreateOrUpdateAndWait(
      "rg-policy",
      "Microsoft.Compute",
      "",
      "virtualMachines",
      "vm1",
      "2024-07-01",
      { location: "eastus" },
    ),
  );
  await policy.policyAssignments.delete(scope, "pc-allowed-types");
  const vmAfter = await rm.resources.beginCreateOrUpdateAndWait(
    "rg-policy",
    "Microsoft.Compute",
    "",
    "virtualMachines",
    "vm1",
    "2024-07-01",
    {
      location: "eastus",
    },
  );
  process.stdout.write(
    `${JSON.stringify({ ok: true, definition: definition.displayName, assignment: assignment.name, assignmentScope: assignment.scope, storage: storage.id, vm, vmAfter: vmAfter.name })}\n`,
  );
} catch (e) {
  process.stdout.write(
    `${JSON.stringify({ ok: false, name: (e as Error).name, message: (e as Error).message })}\n`,
  );
}
