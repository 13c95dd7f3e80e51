// Runs Microsoft's own ARM clients, unmodified, against an endpoint (the emulator) in a process of its own, and
// prints what they saw as one JSON line.
import { ClientSecretCredential } from "@azure/identity";
import { ResourceManagementClient } from "@azure/arm-resources";
import { SubscriptionClient } from "@azure/arm-resources-subscriptions";

const [endpoint = "", tenant = "", clientId = "", secret = "", subscriptionId = ""] = process.argv.slice(2);
const credential = new ClientSecretCredential(tenant, clientId, secret, {
  authorityHost: endpoint,
  disableInstanceDiscovery: true,
});
const credentialScopes = ["https://management.azure.com/.default"];
try {
  const subscriptions: string[] = [];
  for await (const s of new SubscriptionClient(credential, {
    endpoint,
    credentialScopes,
  }).subscriptions.list())
    subscriptions.push(`${s.subscriptionId ?? ""}:${s.displayName ?? ""}:${s.state ?? ""}`);
  const rm = new ResourceManagementClient(credential, subscriptionId, { endpoint, credentialScopes });
  const created = await rm.resourceGroups.createOrUpdate("rg-Probe", {
    location: "westeurope",
    tags: { owner: "probe" },
  });
  const groups: string[] = [];
  for await (const g of rm.resourceGroups.list()) groups.push(g.name ?? "");
  const fetched = await rm.resourceGroups.get("rg-probe");
  await rm.resourceGroups.beginDeleteAndWait("rg-Probe", { updateIntervalInMs: 10 });
  const existsAfter = (await rm.resourceGroups.checkExistence("rg-Probe")).body;
  let missing = "";
  try {
    await rm.resourceGroups.get("rg-Probe");
  } catch (e) {
    missing = `${(e as { statusCode?: number }).statusCode ?? 0}:${(e as { code?: string }).code ?? ""}`;
  }
  process.stdout.write(
    `${JSON.stringify({ ok: true, subscriptions, created: { id: created.id, tags: created.tags }, groups, fetched: fetched.name, existsAfter, missing })}\n`,
  );
} catch (e) {
  process.stdout.write(
    `${JSON.stringify({ ok: false, name: (e as Error).name, message: (e as Error).message })}\n`,
  );
}
