import type { Harness } from "./support/harness.ts";
import { must } from "./support/harness.ts";
import { workspaceCast, type World } from "./support/world.ts";

/**
 * The authorization matrix: for every API operation, what each kind of caller gets. It is data: the generated
 * tests in authorization.test.ts run every cell, and a meta-test fails when an operation has no row.
 *
 * Outcomes: "ok" (2xx), "unauth" (401), "forbidden" (403), "hidden" (404: the object does not exist for the
 * caller), "gone" (410), "conflict" (409). Denials never carry data.
 */
export const actors = [
  "anonymous",
  "otherOrgAdmin",
  "wsVisitor",
  "wsUser",
  "wsAuthor",
  "wsAdmin",
  "ccAdmin",
  "otherCcAdmin",
  "orgAdmin",
  "operator",
  "readToken",
  "revokedToken",
  "expiredToken",
] as const;

export type Actor = (typeof actors)[number];
export type Outcome = "ok" | "unauth" | "forbidden" | "hidden" | "gone" | "conflict";
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Attempt = { method: Method; url: string; body?: unknown };

export type Row = {
  /** Builds the request; may create a disposable target first, so every cell starts from the same state. */
  request: (w: World, h: Harness, n: number) => Promise<Attempt> | Attempt;
  expect: Record<Actor, Outcome>;
};

type Inside = Exclude<Actor, "anonymous" | "revokedToken" | "expiredToken" | "readToken">;

/**
 * The usual shape of a row on organization A's objects: the listed actors succeed; other members of A are
 * forbidden; organization B's admin does not see the object at all; callers without valid credentials get 401;
 * the org admin's read-only token may read what the org admin may read and nothing else.
 */
function rule(
  method: Method,
  allowed: Inside[],
  overrides: Partial<Record<Actor, Outcome>> = {},
): Record<Actor, Outcome> {
  const out = {} as Record<Actor, Outcome>;
  for (const a of actors) {
    if (a === "anonymous" || a === "revokedToken" || a === "expiredToken") out[a] = "unauth";
    else if (a === "readToken")
      out[a] = method === "GET" && allowed.includes("orgAdmin") ? "ok" : "forbidden";
    else if (a === "otherOrgAdmin") out[a] = allowed.includes(a) ? "ok" : "hidden";
    else out[a] = allowed.includes(a) ? "ok" : "forbidden";
  }
  return { ...out, ...overrides };
}

const everyone: Inside[] = [
  "otherOrgAdmin",
  "wsVisitor",
  "wsUser",
  "wsAuthor",
  "wsAdmin",
  "ccAdmin",
  "otherCcAdmin",
  "orgAdmin",
  "operator",
];
const membersOfA: Inside[] = [
  "wsVisitor",
  "wsUser",
  "wsAuthor",
  "wsAdmin",
  "ccAdmin",
  "otherCcAdmin",
  "orgAdmin",
  "operator",
];
const ws1Readers: Inside[] = [
  "wsVisitor",
  "wsUser",
  "wsAuthor",
  "wsAdmin",
  "ccAdmin",
  "orgAdmin",
  "operator",
];
const ws1Admins: Inside[] = ["wsAdmin", "ccAdmin", "orgAdmin", "operator"];
const cc1Admins: Inside[] = ["ccAdmin", "orgAdmin", "operator"];
const orgAdmins: Inside[] = ["orgAdmin", "operator"];
const userListers: Inside[] = ["wsAdmin", "ccAdmin", "otherCcAdmin", "orgAdmin", "operator"];

const all = (o: Outcome): Record<Actor, Outcome> =>
  Object.fromEntries(actors.map((a) => [a, o])) as Record<Actor, Outcome>;
const publicOk = all("ok");

/** A throwaway cost center in A (with the bystander as its admin), so deleting one never disturbs the cast. */
async function disposableCostCenter(w: World, h: Harness, n: number) {
  const cc = must(
    await h.modules.tenancy.costCenters.create(w.operator, w.orgA.id, { name: `Disposable ${n}` }),
  );
  must(await h.modules.tenancy.costCenters.addAdmin(w.operator, cc.id, w.ids.bystander));
  return cc;
}

async function disposableWorkspace(w: World, h: Harness, n: number) {
  const ws = must(
    await h.modules.tenancy.workspaces.create(w.operator, w.orgA.id, {
      name: `Disposable WS ${n}`,
      costCenterId: w.cc1.id,
    }),
  );
  for (const [who, role] of workspaceCast)
    must(await h.modules.tenancy.workspaces.setMember(w.operator, ws.id, w.ids[who], role));
  return ws;
}

const UNKNOWN_INVITE = `pci_${"A".repeat(43)}`;

export const matrix: Record<string, Row> = {
  getSetupStatus: { request: () => ({ method: "GET", url: "/api/v1/setup" }), expect: publicOk },
  completeSetup: {
    request: (_w, _h, n) => ({
      method: "POST",
      url: "/api/v1/setup",
      body: { partnerName: "Again", name: "X", email: `again${n}@x.test`, password: "another long password" },
    }),
    expect: all("conflict"),
  },
  signIn: {
    request: () => ({
      method: "POST",
      url: "/api/v1/auth/login",
      body: { email: "bystander@a.test", password: "correct horse battery staple" },
    }),
    expect: publicOk,
  },
  getSession: {
    request: () => ({ method: "GET", url: "/api/v1/auth/session" }),
    expect: {
      ...all("ok"),
      anonymous: "unauth",
      readToken: "unauth",
      revokedToken: "unauth",
      expiredToken: "unauth",
    },
  },
  signOut: {
    request: () => ({ method: "POST", url: "/api/v1/auth/logout" }),
    expect: rule("POST", everyone),
  },
  listMyContexts: {
    request: () => ({ method: "GET", url: "/api/v1/me/contexts" }),
    expect: rule("GET", everyone, { readToken: "ok" }),
  },
  addFavorite: {
    request: (w) => ({ method: "PUT", url: `/api/v1/me/favorites/${w.ws1.id}` }),
    expect: rule("PUT", everyone),
  },
  removeFavorite: {
    request: (w) => ({ method: "DELETE", url: `/api/v1/me/favorites/${w.ws1.id}` }),
    expect: rule("DELETE", everyone),
  },
  changeMyPassword: {
    request: () => ({
      method: "POST",
      url: "/api/v1/me/password",
      body: { currentPassword: "correct horse battery staple", newPassword: "correct horse battery staple" },
    }),
    expect: rule("POST", everyone),
  },
  listMyTokens: {
    request: () => ({ method: "GET", url: "/api/v1/me/tokens" }),
    expect: rule("GET", everyone, { readToken: "ok" }),
  },
  createMyToken: {
    request: (_w, _h, n) => ({
      method: "POST",
      url: "/api/v1/me/tokens",
      body: { name: `cli ${n}`, scope: "read" },
    }),
    expect: rule("POST", everyone),
  },
  revokeMyToken: {
    // Someone else's token: only its owner may revoke it, so everyone else is told it is not theirs.
    request: async (w, h) => {
      const owner = await h.callerFor(w.ids.bystander);
      const t = must(
        await h.modules.identity.tokens.create(
          { userId: w.ids.bystander, orgId: w.orgA.id, actor: owner.actor },
          { name: "x", scope: "read" },
        ),
      );
      return { method: "DELETE", url: `/api/v1/me/tokens/${t.token.id}` };
    },
    expect: rule("DELETE", [], {
      otherOrgAdmin: "hidden",
      wsVisitor: "hidden",
      wsUser: "hidden",
      wsAuthor: "hidden",
      wsAdmin: "hidden",
      ccAdmin: "hidden",
      otherCcAdmin: "hidden",
      orgAdmin: "hidden",
      operator: "hidden",
    }),
  },
  listOrganizations: {
    request: () => ({ method: "GET", url: "/api/v1/organizations" }),
    expect: rule("GET", everyone, { readToken: "ok" }),
  },
  createOrganization: {
    request: (_w, _h, n) => ({
      method: "POST",
      url: "/api/v1/organizations",
      body: { name: `New Org ${n}` },
    }),
    expect: rule("POST", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  getOrganization: {
    request: (w) => ({ method: "GET", url: `/api/v1/organizations/${w.orgA.id}` }),
    expect: rule("GET", membersOfA),
  },
  renameOrganization: {
    request: (w) => ({ method: "PATCH", url: `/api/v1/organizations/${w.orgA.id}`, body: { name: "Org A" } }),
    expect: rule("PATCH", orgAdmins),
  },
  listCostCenters: {
    request: (w) => ({ method: "GET", url: `/api/v1/organizations/${w.orgA.id}/cost-centers` }),
    expect: rule("GET", membersOfA),
  },
  createCostCenter: {
    request: (w, _h, n) => ({
      method: "POST",
      url: `/api/v1/organizations/${w.orgA.id}/cost-centers`,
      body: { name: `Made ${n}` },
    }),
    expect: rule("POST", orgAdmins),
  },
  getCostCenter: {
    request: (w) => ({ method: "GET", url: `/api/v1/cost-centers/${w.cc1.id}` }),
    expect: rule("GET", cc1Admins),
  },
  renameCostCenter: {
    request: (w) => ({ method: "PATCH", url: `/api/v1/cost-centers/${w.cc1.id}`, body: { name: "CC One" } }),
    expect: rule("PATCH", orgAdmins),
  },
  deleteCostCenter: {
    request: async (w, h, n) => ({
      method: "DELETE",
      url: `/api/v1/cost-centers/${(await disposableCostCenter(w, h, n)).id}`,
    }),
    expect: rule("DELETE", orgAdmins),
  },
  addCostCenterAdmin: {
    request: async (w, h, n) => ({
      method: "PUT",
      url: `/api/v1/cost-centers/${(await disposableCostCenter(w, h, n)).id}/admins/${w.ids.bystander}`,
    }),
    expect: rule("PUT", orgAdmins),
  },
  removeCostCenterAdmin: {
    request: async (w, h, n) => ({
      method: "DELETE",
      url: `/api/v1/cost-centers/${(await disposableCostCenter(w, h, n)).id}/admins/${w.ids.bystander}`,
    }),
    expect: rule("DELETE", orgAdmins),
  },
  listWorkspaces: {
    request: (w) => ({ method: "GET", url: `/api/v1/organizations/${w.orgA.id}/workspaces` }),
    expect: rule("GET", membersOfA),
  },
  createWorkspace: {
    request: (w, _h, n) => ({
      method: "POST",
      url: `/api/v1/organizations/${w.orgA.id}/workspaces`,
      body: { name: `Team ${n}`, costCenterId: w.cc1.id },
    }),
    expect: rule("POST", cc1Admins),
  },
  getWorkspace: {
    request: (w) => ({ method: "GET", url: `/api/v1/workspaces/${w.ws1.id}` }),
    expect: rule("GET", ws1Readers),
  },
  updateWorkspace: {
    request: (w) => ({ method: "PATCH", url: `/api/v1/workspaces/${w.ws1.id}`, body: { name: "WS One" } }),
    expect: rule("PATCH", ws1Admins),
  },
  deleteWorkspace: {
    request: async (w, h, n) => ({
      method: "DELETE",
      url: `/api/v1/workspaces/${(await disposableWorkspace(w, h, n)).id}`,
    }),
    expect: rule("DELETE", cc1Admins),
  },
  listWorkspaceMembers: {
    request: (w) => ({ method: "GET", url: `/api/v1/workspaces/${w.ws1.id}/members` }),
    expect: rule("GET", ws1Readers),
  },
  setWorkspaceMember: {
    request: (w) => ({
      method: "PUT",
      url: `/api/v1/workspaces/${w.ws1.id}/members/${w.ids.bystander}`,
      body: { role: "visitor" },
    }),
    expect: rule("PUT", ws1Admins),
  },
  removeWorkspaceMember: {
    request: (w) => ({ method: "DELETE", url: `/api/v1/workspaces/${w.ws1.id}/members/${w.ids.bystander}` }),
    expect: rule("DELETE", ws1Admins),
  },
  listUsers: {
    request: (w) => ({ method: "GET", url: `/api/v1/organizations/${w.orgA.id}/users` }),
    expect: rule("GET", userListers),
  },
  updateUser: {
    request: (w) => ({
      method: "PATCH",
      url: `/api/v1/users/${w.ids.bystander}`,
      body: { name: "bystander" },
    }),
    expect: rule("PATCH", orgAdmins),
  },
  disableUser: {
    request: async (w, h, n) => {
      const u = must(
        await h.modules.tenancy.users.provision(w.operator, {
          orgId: w.orgA.id,
          email: `leaver${n}@a.test`,
          name: `Leaver ${n}`,
          orgRole: "member",
          passwordHash: "x",
        }),
      );
      return { method: "POST", url: `/api/v1/users/${u.id}/disable` };
    },
    expect: rule("POST", orgAdmins),
  },
  enableUser: {
    request: (w) => ({ method: "POST", url: `/api/v1/users/${w.ids.bystander}/enable` }),
    expect: rule("POST", orgAdmins),
  },
  listInvitations: {
    request: (w) => ({ method: "GET", url: `/api/v1/organizations/${w.orgA.id}/invitations` }),
    expect: rule("GET", orgAdmins),
  },
  createInvitation: {
    request: (w, _h, n) => ({
      method: "POST",
      url: `/api/v1/organizations/${w.orgA.id}/invitations`,
      body: { email: `invitee${n}@a.test`, orgRole: "member" },
    }),
    expect: rule("POST", orgAdmins),
  },
  revokeInvitation: {
    request: async (w, h, n) => {
      const inv = must(
        await h.modules.tenancy.invitations.create(w.operator, w.orgA.id, {
          email: `revokee${n}@a.test`,
          orgRole: "member",
        }),
      );
      return { method: "DELETE", url: `/api/v1/invitations/${inv.id}` };
    },
    expect: rule("DELETE", orgAdmins),
  },
  previewInvitation: {
    request: () => ({ method: "GET", url: `/api/v1/invitations/preview?token=${UNKNOWN_INVITE}` }),
    expect: all("gone"),
  },
  acceptInvitation: {
    request: () => ({
      method: "POST",
      url: "/api/v1/invitations/accept",
      body: { token: UNKNOWN_INVITE, name: "X", password: "long enough password" },
    }),
    expect: all("gone"),
  },
  listOrganizationAuditEvents: {
    request: (w) => ({ method: "GET", url: `/api/v1/organizations/${w.orgA.id}/audit-events` }),
    expect: rule("GET", orgAdmins),
  },
  listAllAuditEvents: {
    request: () => ({ method: "GET", url: "/api/v1/audit-events" }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  listCapturedMail: {
    request: () => ({ method: "GET", url: "/api/v1/mailbox" }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
};
