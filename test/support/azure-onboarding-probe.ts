// Runs Microsoft's own SDK clients, unmodified, as Partner Cloud's service principal in a customer's tenant: finds
// the role assignment and the allowed-services policy assignment onboarding made on the subscription, then tries
// to create an allowed and a disallowed resource. Prints one JSON line.
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ClientSecretCredential } from "@azure/identity";
import { PolicyClient } from "@azure/arm-policy";
import { ResourceManagementClient } from "@azure/arm-resources";

const [
  endpoint = "",
  tenant = "",
  clientId = "",
  secret = "",
  subscriptionId = "",
  roleName = "",
  policyName = "",
] = process.argv.slice(2);
const credential = new ClientSecretCredential(tenant, clientId, secret, {
  authorityHost: endpoint,
  disableInstanceDiscovery: true,
});
const options = { endpoint, credentialScopes: ["https://management.azure.com/.default"] };
const authorization = new AuthorizationManagementClient(credential, subscriptionId, options);
const policy = new PolicyClient(credential, subscriptionId, options);
const rm = new ResourceManagementClient(credential, subscriptionId, options);
const scope = `/subscriptions/${subscriptionId}`;

const outcome = async (f: () => Promise<unknown>) => {
  try {
    await f();
    return { status: 200, code: "created" };
  } catch (e) {
    const err = e as { statusCode?: number; code?: string };
    return { status: err.statusCode ?? 0, code: err.code ?? "" };
  }
};

const roles = [];
for await (const a of authorization.roleAssignments.listForSubscription()) roles.push(a);
const role = roles.find((a) => a.name === roleName);
const assignment = await policy.policyAssignments.get(scope, policyName);
const allowed = (assignment.parameters?.["listOfResourceTypesAllowed"]?.value ?? []) as string[];
await rm.resourceGroups.createOrUpdate("rg-onboarding-probe", { location: "westeurope" });
const create = (provider: string, type: string, name: string, apiVersion: string) =>
  outcome(() =>
    rm.resources.beginCreateOrUpdateAndWait("rg-onboarding-probe", provider, "", type, name, apiVersion, {
      location: "westeurope",
    }),
  );
const vm = await create("Microsoft.Compute", "virtualMachines", "vm1", "2024-07-01");
const web = await create("Microsoft.Web", "sites", "site1", "2023-12-01");
process.stdout.write(
  `${JSON.stringify({
    role: role ? { principalId: role.principalId, roleDefinitionId: role.roleDefinitionId } : null,
    policy: {
      name: assignment.name,
      definition: assignment.policyDefinitionId,
      allowedCount: allowed.length,
    },
    vm,
    web,
  })}\n`,
);
