import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const Tenant = z.object({ id: z.string(), domain: z.string(), displayName: z.string() });
const App = z.object({
  clientId: z.string(),
  tenantId: z.string(),
  displayName: z.string(),
  secretSha256: z.string(),
  servicePrincipalId: z.string(),
});
const Subscription = z.object({
  subscriptionId: z.string(),
  tenantId: z.string(),
  displayName: z.string(),
  state: z.enum(["Enabled", "Warned", "PastDue", "Disabled", "Deleted"]),
});
const ResourceGroup = z.object({
  subscriptionId: z.string(),
  name: z.string(),
  location: z.string(),
  tags: z.record(z.string(), z.string()),
});
const RoleAssignment = z.object({
  name: z.string(),
  scope: z.string(),
  roleDefinitionGuid: z.string(),
  principalId: z.string(),
  principalType: z.string(),
  createdOn: z.string(),
});
const PolicyAssignment = z.object({
  name: z.string(),
  scope: z.string(),
  policyDefinitionId: z.string(),
  displayName: z.string(),
  parameters: z.record(z.string(), z.object({ value: z.unknown() })),
  enforcementMode: z.enum(["Default", "DoNotEnforce"]),
});
const Resource = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  location: z.string(),
  tags: z.record(z.string(), z.string()),
  properties: z.record(z.string(), z.unknown()),
});
const Customer = z.object({
  id: z.string(),
  commerceId: z.string(),
  partnerTenantId: z.string(),
  companyName: z.string(),
  domain: z.string(),
  billingProfile: z.record(z.string(), z.unknown()),
  relationshipToPartner: z.string(),
  createdAt: z.string(),
});
const Replay = z.object({
  key: z.string(),
  bodyHash: z.string(),
  status: z.number(),
  body: z.unknown(),
  at: z.number(),
});
const State = z.object({
  tenants: z.array(Tenant),
  apps: z.array(App),
  subscriptions: z.array(Subscription).default([]),
  resourceGroups: z.array(ResourceGroup).default([]),
  roleAssignments: z.array(RoleAssignment).default([]),
  policyAssignments: z.array(PolicyAssignment).default([]),
  resources: z.array(Resource).default([]),
  customers: z.array(Customer).default([]),
  replays: z.array(Replay).default([]),
});

export type EmulatedTenant = z.infer<typeof Tenant>;
export type EmulatedApp = z.infer<typeof App>;
export type EmulatedSubscription = z.infer<typeof Subscription>;
export type EmulatedResourceGroup = z.infer<typeof ResourceGroup>;
export type EmulatedRoleAssignment = z.infer<typeof RoleAssignment>;
export type EmulatedPolicyAssignment = z.infer<typeof PolicyAssignment>;
export type EmulatedResource = z.infer<typeof Resource>;
export type EmulatedCustomer = z.infer<typeof Customer>;

const hash = (s: string) => createHash("sha256").update(s).digest("hex");

/**
 * The emulated world, kept as one JSON file so a restarted emulator still knows its tenants and apps. Written
 * whole to a temporary file and renamed, so a crash never leaves half a file.
 */
export function openEmulatorState(dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "state.json");
  const state = State.parse(
    fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : { tenants: [], apps: [] },
  );
  const save = () => {
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 1));
    fs.renameSync(`${file}.tmp`, file);
  };
  return {
    tenant(idOrDomain: string): EmulatedTenant | undefined {
      const key = idOrDomain.toLowerCase();
      return state.tenants.find((t) => t.id === key || t.domain === key);
    },
    addTenant(input: { domain: string; displayName: string; id?: string }): EmulatedTenant {
      const t = {
        id: input.id ?? randomUUID(),
        domain: input.domain.toLowerCase(),
        displayName: input.displayName,
      };
      state.tenants.push(t);
      save();
      return t;
    },
    app(clientId: string): EmulatedApp | undefined {
      return state.apps.find((a) => a.clientId === clientId);
    },
    /** Registers an application with a client secret; only the secret's hash is kept. */
    addApp(input: { tenantId: string; displayName: string; secret: string; clientId?: string }): EmulatedApp {
      const a = {
        clientId: input.clientId ?? randomUUID(),
        tenantId: input.tenantId,
        displayName: input.displayName,
        secretSha256: hash(input.secret),
        servicePrincipalId: randomUUID(),
      };
      state.apps.push(a);
      save();
      return a;
    },
    secretMatches: (app: EmulatedApp, secret: string) => hash(secret) === app.secretSha256,

    subscriptionsOf: (tenantId: string) => state.subscriptions.filter((s) => s.tenantId === tenantId),
    subscription: (id: string) => state.subscriptions.find((s) => s.subscriptionId === id.toLowerCase()),
    addSubscription(input: { tenantId: string; displayName: string }): EmulatedSubscription {
      const s = {
        subscriptionId: randomUUID(),
        tenantId: input.tenantId,
        displayName: input.displayName,
        state: "Enabled" as const,
      };
      state.subscriptions.push(s);
      save();
      return s;
    },

    /** Resource group names are case-insensitive in ARM. */
    resourceGroup: (subscriptionId: string, name: string) =>
      state.resourceGroups.find(
        (g) => g.subscriptionId === subscriptionId && g.name.toLowerCase() === name.toLowerCase(),
      ),
    resourceGroupsOf: (subscriptionId: string) =>
      state.resourceGroups.filter((g) => g.subscriptionId === subscriptionId),
    putResourceGroup(g: EmulatedResourceGroup): "created" | "updated" {
      const i = state.resourceGroups.findIndex(
        (x) => x.subscriptionId === g.subscriptionId && x.name.toLowerCase() === g.name.toLowerCase(),
      );
      if (i >= 0) state.resourceGroups[i] = { ...g, name: state.resourceGroups[i]?.name ?? g.name };
      else state.resourceGroups.push(g);
      save();
      return i >= 0 ? "updated" : "created";
    },
    roleAssignment: (name: string) => state.roleAssignments.find((r) => r.name === name.toLowerCase()),
    roleAssignmentsUnder: (scope: string) =>
      state.roleAssignments.filter((r) => r.scope.toLowerCase().startsWith(scope.toLowerCase())),
    addRoleAssignment(r: EmulatedRoleAssignment): void {
      state.roleAssignments.push({ ...r, name: r.name.toLowerCase() });
      save();
    },
    deleteRoleAssignment(name: string): void {
      state.roleAssignments = state.roleAssignments.filter((r) => r.name !== name.toLowerCase());
      save();
    },
    policyAssignment: (scope: string, name: string) =>
      state.policyAssignments.find(
        (a) => a.scope.toLowerCase() === scope.toLowerCase() && a.name.toLowerCase() === name.toLowerCase(),
      ),
    /** Assignments at this scope or above it: the ones that govern a resource with this id. */
    policyAssignmentsGoverning: (id: string) =>
      state.policyAssignments.filter((a) => `${id.toLowerCase()}/`.startsWith(`${a.scope.toLowerCase()}/`)),
    policyAssignmentsAt: (scope: string) =>
      state.policyAssignments.filter((a) => a.scope.toLowerCase().startsWith(scope.toLowerCase())),
    putPolicyAssignment(a: EmulatedPolicyAssignment): "created" | "updated" {
      const i = state.policyAssignments.findIndex(
        (x) =>
          x.scope.toLowerCase() === a.scope.toLowerCase() && x.name.toLowerCase() === a.name.toLowerCase(),
      );
      if (i >= 0) state.policyAssignments[i] = a;
      else state.policyAssignments.push(a);
      save();
      return i >= 0 ? "updated" : "created";
    },
    deletePolicyAssignment(scope: string, name: string): void {
      state.policyAssignments = state.policyAssignments.filter(
        (x) =>
          !(x.scope.toLowerCase() === scope.toLowerCase() && x.name.toLowerCase() === name.toLowerCase()),
      );
      save();
    },
    resource: (id: string) => state.resources.find((r) => r.id.toLowerCase() === id.toLowerCase()),
    resourcesUnder: (prefix: string) =>
      state.resources.filter((r) => r.id.toLowerCase().startsWith(prefix.toLowerCase())),
    putResource(r: EmulatedResource): "created" | "updated" {
      const i = state.resources.findIndex((x) => x.id.toLowerCase() === r.id.toLowerCase());
      if (i >= 0) state.resources[i] = r;
      else state.resources.push(r);
      save();
      return i >= 0 ? "updated" : "created";
    },
    deleteResource(id: string): boolean {
      const before = state.resources.length;
      state.resources = state.resources.filter((x) => x.id.toLowerCase() !== id.toLowerCase());
      save();
      return state.resources.length < before;
    },
    customersOf: (partnerTenantId: string) =>
      state.customers.filter((c) => c.partnerTenantId === partnerTenantId),
    addCustomer(c: EmulatedCustomer): void {
      state.customers.push(c);
      save();
    },
    /** The first response to a request carrying MS-RequestId, kept a day so a retry gets it again (B1). */
    replay: (key: string) => state.replays.find((r) => r.key === key && r.at > Date.now() - 86_400_000),
    remember(key: string, bodyHash: string, status: number, body: unknown): void {
      state.replays = state.replays.filter((r) => r.at > Date.now() - 86_400_000);
      state.replays.push({ key, bodyHash, status, body, at: Date.now() });
      save();
    },
    domainTaken: (domain: string) => state.tenants.some((t) => t.domain === domain.toLowerCase()),
    deleteResourceGroup(subscriptionId: string, name: string): boolean {
      const before = state.resourceGroups.length;
      state.resourceGroups = state.resourceGroups.filter(
        (x) => !(x.subscriptionId === subscriptionId && x.name.toLowerCase() === name.toLowerCase()),
      );
      save();
      return state.resourceGroups.length < before;
    },
  };
}

export type EmulatorState = ReturnType<typeof openEmulatorState>;
