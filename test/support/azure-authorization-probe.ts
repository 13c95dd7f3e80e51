// Runs Microsoft's own @azure/arm-authorization, unmodified, against an endpoint (the emulator) in a process of its
// own, and prints what it saw as one JSON line.
import { randomUUID } from "node:crypto";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ClientSecretCredential } from "@azure/identity";

const [endpoint = "", tenant = "", clientId = "", secret = "", subscriptionId = ""] = process.argv.slice(2);
const credential = new ClientSecretCredential(tenant, clientId, secret, {
  authorityHost: endpoint,
  disableInstanceDiscovery: true,
});
const client = new AuthorizationManagementClient(credential, subscriptionId, {
  endpoint,
  credentialScopes: ["https://management.azure.com/.default"],
});
const scope = `/subscriptions/${subscriptionId}`;
const reader = `${scope}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`;
const principalId = randomUUID();
const name = randomUUID();
const errorOf = async (f: () => Promise<unknown>) => {
  try {
    await f();
    return "none";
  } catch (e) {
    return `${(e as { statusCode?: number }).statusCode ?? 0}:${(e as { code?: string }).code ?? ""}`;
  }
};
try {
  const created = await client.roleAssignments.create(scope, name, {
    roleDefinitionId: reader,
    principalId,
    principalType: "ServicePrincipal",
  });
  const repeated = await client.roleAssignments.create(scope, name, {
    roleDefinitionId: reader,
    principalId,
    principalType: "ServicePrincipal",
  });
  const twin = await errorOf(() =>
    client.roleAssignments.create(scope, randomUUID(), { roleDefinitionId: reader, principalId }),
  );
  const listed: string[] = [];
  for await (const r of client.roleAssignments.listForScope(scope)) listed.push(r.name ?? "");
  const definition = await client.roleDefinitions.get(scope, "acdd72a7-3385-48ef-bd42-f606fba81ae7");
  await client.roleAssignments.delete(scope, name);
  const afterDelete = await errorOf(() => client.roleAssignments.get(scope, name));
  process.stdout.write(
    `${JSON.stringify({ ok: true, name, created: created.name, createdScope: created.scope, repeated: repeated.name, twin, listed, roleName: definition.roleName, afterDelete })}\n`,
  );
} catch (e) {
  process.stdout.write(
    `${JSON.stringify({ ok: false, name: (e as Error).name, message: (e as Error).message })}\n`,
  );
}
