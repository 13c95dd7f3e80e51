import { createHash, randomUUID } from "node:crypto";
import { z } from "zod";
import type { Store } from "./store.ts";

const Tenant = z.object({ id: z.string(), domain: z.string(), displayName: z.string() });
const App = z.object({
  clientId: z.string(),
  tenantId: z.string(),
  displayName: z.string(),
  secretSha256: z.string(),
  servicePrincipalId: z.string(),
});
/** A person in a tenant who can sign in (scrypt-free: the emulator keeps a salted SHA-256, never the password). */
const User = z.object({
  id: z.string(),
  tenantId: z.string(),
  userPrincipalName: z.string(),
  displayName: z.string(),
  salt: z.string(),
  passwordSha256: z.string(),
  /** Directory roles by name, e.g. "Global Administrator". */
  roles: z.array(z.string()),
});
/** A multi-tenant application consented into another tenant, with the service principal it has there. */
const Consent = z.object({
  clientId: z.string(),
  tenantId: z.string(),
  servicePrincipalId: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
});
const Subscription = z.object({
  subscriptionId: z.string(),
  tenantId: z.string(),
  displayName: z.string(),
  state: z.enum(["Enabled", "Warned", "PastDue", "Disabled", "Deleted"]),
  /** How the subscription is bought: under a CSP Azure plan, pay-as-you-go, an Enterprise Agreement, or MSDN. */
  offer: z.enum(["AzurePlan", "PayAsYouGo", "EnterpriseAgreement", "MSDN"]).default("AzurePlan"),
  /** The CSP partner whose Azure plan bills an AzurePlan subscription; unset: every partner of the tenant. */
  partnerTenantId: z.string().optional(),
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
  /** How the relationship began: the partner created the tenant, or the tenant's admin accepted an invitation. */
  origin: z.enum(["created", "invited"]).default("created"),
});
const Replay = z.object({
  key: z.string(),
  bodyHash: z.string(),
  status: z.number(),
  body: z.unknown(),
  at: z.number(),
});

export type EmulatedTenant = z.infer<typeof Tenant>;
export type EmulatedApp = z.infer<typeof App>;
export type EmulatedUser = z.infer<typeof User>;
export type EmulatedConsent = z.infer<typeof Consent>;
export type EmulatedSubscription = z.infer<typeof Subscription>;
export type EmulatedResourceGroup = z.infer<typeof ResourceGroup>;
export type EmulatedRoleAssignment = z.infer<typeof RoleAssignment>;
export type EmulatedPolicyAssignment = z.infer<typeof PolicyAssignment>;
export type EmulatedResource = z.infer<typeof Resource>;
export type EmulatedCustomer = z.infer<typeof Customer>;

const hash = (s: string) => createHash("sha256").update(s).digest("hex");
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const REPLAY_MS = 86_400_000;

/**
 * The core emulated world (tenants, applications, Azure subscriptions, resource groups, role and policy
 * assignments, resources, Partner Center customers and MS-RequestId replays), kept in the emulator's store so a
 * restarted emulator still knows them. Other parts of the emulator open their own collections in the same store.
 */
export function openEmulatorState(store: Store, now: () => number = Date.now) {
  const tenants = store.collection("tenants", Tenant);
  const apps = store.collection("apps", App);
  const users = store.collection("users", User);
  const consents = store.collection("consents", Consent);
  const subscriptions = store.collection("subscriptions", Subscription);
  const resourceGroups = store.collection("resourceGroups", ResourceGroup);
  const roleAssignments = store.collection("roleAssignments", RoleAssignment);
  const policyAssignments = store.collection("policyAssignments", PolicyAssignment);
  const resources = store.collection("resources", Resource);
  const customers = store.collection("customers", Customer);
  const replays = store.collection("replays", Replay);
  const customerListeners: ((c: EmulatedCustomer) => void)[] = [];
  return {
    store,
    tenant(idOrDomain: string): EmulatedTenant | undefined {
      const key = idOrDomain.toLowerCase();
      return tenants.find((t) => t.id === key || t.domain === key);
    },
    addTenant(input: { domain: string; displayName: string; id?: string }): EmulatedTenant {
      return tenants.add({
        id: input.id ?? randomUUID(),
        domain: input.domain.toLowerCase(),
        displayName: input.displayName,
      });
    },
    app(clientId: string): EmulatedApp | undefined {
      return apps.find((a) => a.clientId === clientId);
    },
    /** Registers an application with a client secret; only the secret's hash is kept. */
    addApp(input: { tenantId: string; displayName: string; secret: string; clientId?: string }): EmulatedApp {
      return apps.add({
        clientId: input.clientId ?? randomUUID(),
        tenantId: input.tenantId,
        displayName: input.displayName,
        secretSha256: hash(input.secret),
        servicePrincipalId: randomUUID(),
      });
    },
    secretMatches: (app: EmulatedApp, secret: string) => hash(secret) === app.secretSha256,

    /**
     * The application's service principal in a tenant: its home registration there, or the one a consent created
     * in a customer's tenant (Partner Center's application consent for a partner's app).
     */
    servicePrincipalIn(app: EmulatedApp, tenantId: string): string | undefined {
      if (app.tenantId === tenantId) return app.servicePrincipalId;
      return consents.find((c) => c.clientId === app.clientId && c.tenantId === tenantId)?.servicePrincipalId;
    },
    consentsOf: (tenantId: string) => consents.filter((c) => c.tenantId === tenantId),
    /** Consents an application into a tenant; consenting again keeps its service principal and adds scopes. */
    grantConsent(clientId: string, tenantId: string, scopes: string[]): EmulatedConsent {
      const existing = consents.find((c) => c.clientId === clientId && c.tenantId === tenantId);
      const next = {
        clientId,
        tenantId,
        servicePrincipalId: existing?.servicePrincipalId ?? randomUUID(),
        scopes: [...new Set([...(existing?.scopes ?? []), ...scopes])],
        createdAt: existing?.createdAt ?? new Date(now()).toISOString(),
      };
      consents.upsert((c) => c.clientId === clientId && c.tenantId === tenantId, next);
      return next;
    },
    removeConsent(clientId: string, tenantId: string): boolean {
      return consents.remove((c) => c.clientId === clientId && c.tenantId === tenantId) > 0;
    },

    /** Adds a user to a tenant; the user principal name is `<alias>@<tenant's domain>`. */
    addUser(input: {
      tenantId: string;
      alias: string;
      displayName: string;
      password: string;
      roles?: string[];
    }): EmulatedUser {
      const tenant = tenants.find((t) => t.id === input.tenantId);
      if (!tenant) throw new Error(`No tenant ${input.tenantId}.`);
      const salt = randomUUID();
      return users.add({
        id: randomUUID(),
        tenantId: tenant.id,
        userPrincipalName: `${input.alias}@${tenant.domain}`.toLowerCase(),
        displayName: input.displayName,
        salt,
        passwordSha256: hash(`${salt}:${input.password}`),
        roles: input.roles ?? [],
      });
    },
    user: (idOrUpn: string) =>
      users.find((u) => u.id === idOrUpn.toLowerCase() || u.userPrincipalName === idOrUpn.toLowerCase()),
    usersOf: (tenantId: string) => users.filter((u) => u.tenantId === tenantId),
    passwordMatches: (user: EmulatedUser, password: string) =>
      hash(`${user.salt}:${password}`) === user.passwordSha256,
    setPassword(userId: string, password: string): void {
      const salt = randomUUID();
      users.update(
        (u) => u.id === userId,
        (u) => ({ ...u, salt, passwordSha256: hash(`${salt}:${password}`) }),
      );
    },

    subscriptionsOf: (tenantId: string) => subscriptions.filter((s) => s.tenantId === tenantId),
    subscription: (id: string) => subscriptions.find((s) => s.subscriptionId === id.toLowerCase()),
    addSubscription(input: {
      tenantId: string;
      displayName: string;
      id?: string;
      offer?: EmulatedSubscription["offer"];
      partnerTenantId?: string;
    }): EmulatedSubscription {
      return subscriptions.add({
        subscriptionId: input.id ?? randomUUID(),
        tenantId: input.tenantId,
        displayName: input.displayName,
        state: "Enabled",
        offer: input.offer ?? "AzurePlan",
        ...(input.partnerTenantId ? { partnerTenantId: input.partnerTenantId } : {}),
      });
    },
    /** Microsoft completed a billing transfer: the subscription is now under this partner's Azure plan. */
    transferSubscription(id: string, partnerTenantId: string): EmulatedSubscription | undefined {
      return subscriptions.update(
        (s) => s.subscriptionId === id.toLowerCase(),
        (s) => ({ ...s, offer: "AzurePlan", partnerTenantId }),
      );
    },
    setSubscriptionState(id: string, next: EmulatedSubscription["state"]): EmulatedSubscription | undefined {
      return subscriptions.update(
        (s) => s.subscriptionId === id.toLowerCase(),
        (s) => ({ ...s, state: next }),
      );
    },

    /** Resource group names are case-insensitive in ARM. */
    resourceGroup: (subscriptionId: string, name: string) =>
      resourceGroups.find((g) => g.subscriptionId === subscriptionId && same(g.name, name)),
    resourceGroupsOf: (subscriptionId: string) =>
      resourceGroups.filter((g) => g.subscriptionId === subscriptionId),
    putResourceGroup(g: EmulatedResourceGroup): "created" | "updated" {
      const match = (x: EmulatedResourceGroup) =>
        x.subscriptionId === g.subscriptionId && same(x.name, g.name);
      const existing = resourceGroups.find(match);
      return resourceGroups.upsert(match, { ...g, name: existing?.name ?? g.name });
    },
    deleteResourceGroup(subscriptionId: string, name: string): boolean {
      return resourceGroups.remove((x) => x.subscriptionId === subscriptionId && same(x.name, name)) > 0;
    },
    roleAssignment: (name: string) => roleAssignments.find((r) => r.name === name.toLowerCase()),
    roleAssignmentsUnder: (scope: string) =>
      roleAssignments.filter((r) => r.scope.toLowerCase().startsWith(scope.toLowerCase())),
    addRoleAssignment(r: EmulatedRoleAssignment): void {
      roleAssignments.add({ ...r, name: r.name.toLowerCase() });
    },
    deleteRoleAssignment(name: string): void {
      roleAssignments.remove((r) => r.name === name.toLowerCase());
    },
    policyAssignment: (scope: string, name: string) =>
      policyAssignments.find((a) => same(a.scope, scope) && same(a.name, name)),
    /** Assignments at this scope or above it: the ones that govern a resource with this id. */
    policyAssignmentsGoverning: (id: string) =>
      policyAssignments.filter((a) => `${id.toLowerCase()}/`.startsWith(`${a.scope.toLowerCase()}/`)),
    policyAssignmentsAt: (scope: string) =>
      policyAssignments.filter((a) => a.scope.toLowerCase().startsWith(scope.toLowerCase())),
    putPolicyAssignment(a: EmulatedPolicyAssignment): "created" | "updated" {
      return policyAssignments.upsert((x) => same(x.scope, a.scope) && same(x.name, a.name), a);
    },
    deletePolicyAssignment(scope: string, name: string): void {
      policyAssignments.remove((x) => same(x.scope, scope) && same(x.name, name));
    },
    resource: (id: string) => resources.find((r) => same(r.id, id)),
    resourcesUnder: (prefix: string) =>
      resources.filter((r) => r.id.toLowerCase().startsWith(prefix.toLowerCase())),
    putResource(r: EmulatedResource): "created" | "updated" {
      return resources.upsert((x) => same(x.id, r.id), r);
    },
    deleteResource(id: string): boolean {
      return resources.remove((x) => same(x.id, id)) > 0;
    },
    customersOf: (partnerTenantId: string) => customers.filter((c) => c.partnerTenantId === partnerTenantId),
    /** Every customer relationship the tenant has, whichever partner holds it. */
    partnersOf: (customerTenantId: string) => customers.filter((c) => c.id === customerTenantId),
    addCustomer(c: Omit<EmulatedCustomer, "origin"> & { origin?: EmulatedCustomer["origin"] }): void {
      const added = customers.add({ ...c, origin: c.origin ?? "created" });
      for (const listen of customerListeners) listen(added);
    },
    /** Called after every new customer relationship (Partner Center's notifications start here). */
    onCustomerAdded(listener: (c: EmulatedCustomer) => void): void {
      customerListeners.push(listener);
    },
    /** The first response to a request carrying MS-RequestId, kept a day so a retry gets it again (B1). */
    replay: (key: string) => replays.find((r) => r.key === key && r.at > now() - REPLAY_MS),
    remember(key: string, bodyHash: string, status: number, body: unknown): void {
      replays.remove((r) => r.at <= now() - REPLAY_MS);
      replays.add({ key, bodyHash, status, body, at: now() });
    },
    domainTaken: (domain: string) => tenants.find((t) => t.domain === domain.toLowerCase()) !== undefined,
  };
}

export type EmulatorState = ReturnType<typeof openEmulatorState>;
