import assert from "node:assert/strict";
import { test } from "node:test";
import {
  iaasServiceIds,
  resourceTypesOf,
  serviceCatalog,
  serviceCategories,
  unknownServiceIds,
} from "./catalog.ts";

const allIds = serviceCatalog.map((s) => s.id);
const lower = (types: string[]) => types.map((t) => t.toLowerCase());

void test("the catalog covers the common Azure services, each with a unique kebab-case id", () => {
  assert.ok(serviceCatalog.length >= 40, `only ${serviceCatalog.length} services`);
  assert.equal(new Set(allIds).size, allIds.length, "ids are unique");
  for (const s of serviceCatalog) {
    assert.match(s.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, s.id);
    assert.ok(s.label.length > 2, s.id);
    assert.ok(serviceCategories.includes(s.category), `${s.id}: ${s.category}`);
    assert.ok(s.resourceTypes.length > 0, `${s.id} covers some resource types`);
  }
});

void test("every resource type is written Namespace/type as Azure Resource Manager names it", () => {
  for (const s of serviceCatalog)
    for (const t of s.resourceTypes)
      assert.match(t, /^Microsoft\.[A-Za-z]+(?:\/[A-Za-z]+)+$/, `${s.id}: ${t}`);
});

void test("resource groups are never listed: the Indexed policy does not evaluate them, so they stay allowed", () => {
  for (const s of serviceCatalog)
    assert.ok(!lower([...s.resourceTypes]).includes("microsoft.resources/resourcegroups"), s.id);
});

void test("every category has a service", () => {
  for (const c of serviceCategories)
    assert.ok(
      serviceCatalog.some((s) => s.category === c),
      c,
    );
});

const cases: { name: string; services: string[]; allows: string[]; denies: string[] }[] = [
  {
    name: "IaaS",
    services: [...iaasServiceIds],
    allows: [
      "Microsoft.Compute/virtualMachines",
      "Microsoft.Compute/disks",
      "Microsoft.Network/virtualNetworks",
      "Microsoft.Network/networkInterfaces",
      "Microsoft.Storage/storageAccounts",
      "Microsoft.RecoveryServices/vaults",
      "Microsoft.Insights/metricAlerts",
      "Microsoft.Resources/deployments",
    ],
    denies: [
      "Microsoft.Web/sites",
      "Microsoft.Sql/servers",
      "Microsoft.ContainerService/managedClusters",
      "Microsoft.CognitiveServices/accounts",
    ],
  },
  {
    name: "one web service",
    services: ["app-service"],
    allows: ["Microsoft.Web/sites", "Microsoft.Web/serverfarms", "Microsoft.Resources/deployments"],
    denies: ["Microsoft.Compute/virtualMachines", "Microsoft.Storage/storageAccounts"],
  },
  {
    name: "no services at all",
    services: [],
    allows: ["Microsoft.Resources/deployments"],
    denies: ["Microsoft.Compute/virtualMachines"],
  },
  {
    name: "every service",
    services: allIds,
    allows: ["Microsoft.Web/sites", "Microsoft.Compute/virtualMachines", "Microsoft.KeyVault/vaults"],
    denies: ["Microsoft.Resources/resourceGroups"],
  },
];

for (const c of cases)
  void test(`the resource types of ${c.name} allow what they cover and nothing else`, () => {
    const types = lower(resourceTypesOf(c.services));
    for (const t of c.allows) assert.ok(types.includes(t.toLowerCase()), `allows ${t}`);
    for (const t of c.denies) assert.ok(!types.includes(t.toLowerCase()), `denies ${t}`);
  });

void test("resource types come out sorted, each once, whatever the order and repetition of services", () => {
  const types = resourceTypesOf(["functions", "app-service", "functions", "virtual-machines"]);
  assert.deepEqual(types, resourceTypesOf(["virtual-machines", "app-service", "functions"]));
  assert.equal(new Set(lower(types)).size, types.length, "each type once");
  assert.deepEqual(lower(types), [...lower(types)].sort(), "sorted");
});

void test("IaaS names only services of the catalog, and unknown ids are found", () => {
  assert.deepEqual(unknownServiceIds(iaasServiceIds), []);
  assert.deepEqual(unknownServiceIds(["virtual-machines", "mainframe", "storage-accounts", "teleport"]), [
    "mainframe",
    "teleport",
  ]);
});
