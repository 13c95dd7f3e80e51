import type { OutgoingMail } from "../src/integrations/mail/index.ts";
import { DAILY_RATED_USAGE_COLUMNS } from "../src/modules/billing/engine/index.ts";
import type { Harness } from "./support/harness.ts";
import { must, PASSWORD } from "./support/harness.ts";
import { connectTestAccount } from "./support/billing-usage-rows.ts";
import { contact, ukAddress } from "./support/onboarding-world.ts";
import { workspaceCast, type World } from "./support/world.ts";

/**
 * The authorization matrix: for every API operation, what each kind of caller gets. It is data: the generated
 * tests in authorization.test.ts run every cell, and a meta-test fails when an operation has no row.
 *
 * Outcomes: "ok" (2xx), "redirect" (3xx: a browser is sent on), "unauth" (401), "forbidden" (403), "hidden" (404:
 * the object does not exist for the caller), "gone" (410), "conflict" (409). Denials never carry data.
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
export type Outcome = "ok" | "redirect" | "unauth" | "forbidden" | "hidden" | "gone" | "conflict";
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

/** A provider of ws1 using the world's Azure account (option 1), checked live against the emulator. */
async function disposableProvider(w: World, h: Harness, n: number) {
  if (!w.azure) throw new Error("provider rows need a world with an Azure account (a seeded emulator)");
  return must(
    await h.modules.providers.create(w.operator, w.ws1.id, {
      name: `Matrix provider ${n}`,
      option: "existing-account",
      ...w.azure,
    }),
  );
}

/** One provider of ws1 for the rows that read or change it without removing it. */
const sharedProviders = new WeakMap<World, Promise<{ id: string }>>();
function sharedProvider(w: World, h: Harness): Promise<{ id: string }> {
  let p = sharedProviders.get(w);
  if (!p) {
    p = disposableProvider(w, h, -1);
    sharedProviders.set(w, p);
  }
  return p;
}

const providerReaders: Inside[] = ["wsVisitor", "wsAuthor", "wsAdmin", "ccAdmin", "orgAdmin", "operator"];

/** Connects a partner cloud account of the world's emulator to organization A (to a cost center if given). */
async function connectedAccount(w: World, h: Harness, alias: string, costCenterId?: string) {
  if (!w.partnerCloud)
    throw new Error("billing account rows need a world with a partner cloud (a seeded emulator)");
  const accounts = h.modules.billingAccounts.accounts;
  const found = must(await accounts.discover(w.operator, w.orgA.id, w.partnerCloud));
  return must(
    await accounts.connect(w.operator, w.orgA.id, {
      ticket: found.ticket,
      accountAlias: alias,
      costCenterId,
    }),
  );
}

/** PCUK connected to cc1 once, for the rows that read it or accept terms for it. */
const sharedAccounts = new WeakMap<World, Promise<{ id: string }>>();
function sharedAccount(w: World, h: Harness): Promise<{ id: string }> {
  let account = sharedAccounts.get(w);
  if (!account) {
    account = connectedAccount(w, h, "PCUK", w.cc1.id);
    sharedAccounts.set(w, account);
  }
  return account;
}

/** PCCA connected to cc1, connected again whenever a cell has disconnected it. */
const disposableAccounts = new WeakMap<World, string>();
async function disposableAccount(w: World, h: Harness): Promise<string> {
  const known = disposableAccounts.get(w);
  if (known && (await h.modules.billingAccounts.accounts.accountOf(known))) return known;
  const { id } = await connectedAccount(w, h, "PCCA", w.cc1.id);
  disposableAccounts.set(w, id);
  return id;
}

/** The shared account with the current terms accepted, as onboarding asks of the account it bills. */
const billedAccounts = new WeakMap<World, Promise<{ id: string }>>();
function billedAccount(w: World, h: Harness): Promise<{ id: string }> {
  let account = billedAccounts.get(w);
  if (!account) {
    account = (async () => {
      const shared = await sharedAccount(w, h);
      const terms = await h.modules.billingAccounts.terms.current();
      must(
        await h.modules.billingAccounts.terms.accept(
          w.operator,
          shared.id,
          {
            partnerTermsVersion: terms.partnerTerms.version,
            customerAgreementVersion: terms.customerAgreement.version,
            contact,
          },
          { clientAddress: "127.0.0.1", userAgent: "matrix" },
        ),
      );
      return shared;
    })();
    billedAccounts.set(w, account);
  }
  return account;
}

/** Lets workers take turns (15 fake seconds apart) until the run has ended. */
async function driveRun(h: Harness, runId: string): Promise<void> {
  for (let round = 0; round < 200; round++) {
    await h.modules.onboarding.runDue();
    const run = await h.modules.onboarding.engine.runOf(runId);
    if (run && !["queued", "running", "compensating"].includes(run.state)) return;
    h.clock.advance(15_000);
  }
  throw new Error(`run ${runId} still active after 200 rounds`);
}

/**
 * A new-customer provider of ws1 onboarded to ready by organization A's administrator (billed on the shared
 * account), so A has an Azure customer whose credentials that administrator may see once. An organization with an
 * Azure customer cannot migrate a tenant, so A's migration is asked for first; it keeps waiting for its tenant's
 * administrator, so only this provider's own run is driven to its end.
 */
const onboardedProviders = new WeakMap<World, Promise<{ id: string; runId: string }>>();
function onboardedProvider(w: World, h: Harness): Promise<{ id: string; runId: string }> {
  let provider = onboardedProviders.get(w);
  if (!provider) {
    provider = (async () => {
      await migratingProvider(w, h);
      const account = await billedAccount(w, h);
      const created = must(
        await h.modules.providers.create(await h.callerFor(w.ids.orgAdmin), w.ws1.id, {
          name: "Matrix onboarded",
          option: "new-customer",
          billingAccountId: account.id,
          customer: { companyName: "Matrix Ltd", address: ukAddress, contact },
        }),
      );
      const runId = created.onboardingRunId ?? "";
      await driveRun(h, runId);
      return { id: created.id, runId };
    })();
    onboardedProviders.set(w, provider);
  }
  return provider;
}

/** Where the matrix's migration mails its invitation: the tenant's administrator, who has no account here. */
const MIGRATION_ADMIN = "it@matrix-migrate.example";

/**
 * A migrate-tenant provider of ws1 asked for by organization A's administrator, its run gone as far as mailing the
 * invitation; no tenant ever accepts it, so it waits for its administrator for as long as the matrix runs.
 */
const migratingProviders = new WeakMap<World, Promise<{ id: string; runId: string }>>();
function migratingProvider(w: World, h: Harness): Promise<{ id: string; runId: string }> {
  let provider = migratingProviders.get(w);
  if (!provider) {
    provider = (async () => {
      const account = await billedAccount(w, h);
      const created = must(
        await h.modules.providers.create(await h.callerFor(w.ids.orgAdmin), w.ws1.id, {
          name: "Matrix migration",
          option: "migrate-tenant",
          billingAccountId: account.id,
          adminEmail: MIGRATION_ADMIN,
          primaryDomain: "matrixmigrate.onmicrosoft.com",
        }),
      );
      const runId = created.onboardingRunId ?? "";
      for (let round = 0; round < 20; round++) {
        await h.modules.onboarding.runDue();
        const progress = await h.modules.onboarding.progress(runId);
        if (progress?.migration?.phase === "invitation_sent") return { id: created.id, runId };
        h.clock.advance(15_000);
      }
      throw new Error(`the migration ${runId} never mailed its invitation`);
    })();
    migratingProviders.set(w, provider);
  }
  return provider;
}

/** Every mail the matrix has delivered so far, per world, oldest first. */
const deliveredMail = new WeakMap<World, OutgoingMail[]>();

/**
 * The link token of the migration's invitation as its administrator's latest mail carries it: sending the
 * invitation again replaces the token, so the newest one still known is the one that works.
 */
async function migrationToken(w: World, h: Harness): Promise<string> {
  await migratingProvider(w, h);
  const sent = deliveredMail.get(w) ?? [];
  deliveredMail.set(w, sent);
  const mailer = {
    send: (m: OutgoingMail) => {
      sent.push(m);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  while ((await h.modules.notifications.deliverDue(mailer)) > 0);
  const tokens = sent
    .filter((m) => m.to.includes(MIGRATION_ADMIN))
    .map((m) => /\/migration-invitations\/([\w-]{43})/.exec(m.text)?.[1] ?? "")
    .reverse();
  for (const token of tokens)
    if (token && (await h.modules.onboarding.migrateTenant.invitation(token)).ok) return token;
  throw new Error("no mail carries the migration invitation's current link");
}

const connectors: Inside[] = ["ccAdmin", "otherCcAdmin", "orgAdmin", "operator"];
const UNKNOWN_TICKET = `pcx_${"A".repeat(43)}`;

const UNKNOWN_INVITE = `pci_${"A".repeat(43)}`;
const UNKNOWN_MIGRATION_LINK = "A".repeat(43);
const UNKNOWN_TASK = `tsk_${"0".repeat(26)}`;
const UNKNOWN_SUBSCRIPTION = "00000000-0000-0000-0000-00000000a11a";

/** An endpoint of organization A that is never called (the matrix runs no delivery worker). */
const matrixWebhook = (description: string) => ({
  url: "https://hooks.a.test/partner-cloud",
  description,
  eventTypes: ["*" as const],
});

/** One webhook of A for the rows that read or change it without deleting it. */
const sharedWebhooks = new WeakMap<World, Promise<{ id: string }>>();
function sharedWebhook(w: World, h: Harness): Promise<{ id: string }> {
  let hook = sharedWebhooks.get(w);
  if (!hook) {
    hook = h.modules.webhooks.endpoints
      .create(w.operator, w.orgA.id, matrixWebhook("Matrix shared"))
      .then(must);
    sharedWebhooks.set(w, hook);
  }
  return hook;
}

/** A webhook of A to delete, made again whenever a cell has deleted it (an organization has at most five). */
const disposableWebhooks = new WeakMap<World, string>();
async function disposableWebhook(w: World, h: Harness): Promise<string> {
  const known = disposableWebhooks.get(w);
  if (known && (await h.modules.webhooks.endpoints.get(w.operator, known)).ok) return known;
  const { id } = must(
    await h.modules.webhooks.endpoints.create(w.operator, w.orgA.id, matrixWebhook("Matrix disposable")),
  );
  disposableWebhooks.set(w, id);
  return id;
}

/** A custom allowed-services preset for the rows that change it without deleting it. */
const sharedPresets = new WeakMap<World, Promise<unknown>>();
function sharedPreset(w: World, h: Harness): Promise<unknown> {
  let made = sharedPresets.get(w);
  if (!made) {
    made = h.modules.governance.presets
      .create(w.operator, { id: "matrix-shared", label: "Matrix shared", serviceIds: ["virtual-machines"] })
      .then(must);
    sharedPresets.set(w, made);
  }
  return made;
}

/** A custom preset to delete, one per cell. */
async function disposablePreset(h: Harness, w: World, n: number): Promise<string> {
  const id = `matrix-disposable-${n}`;
  must(
    await h.modules.governance.presets.create(w.operator, {
      id,
      label: `Disposable ${n}`,
      serviceIds: ["dns"],
    }),
  );
  return id;
}

/** A billing account of cc1 of its own (no usage), so each cell drafts, finalizes or credits an invoice of its own. */
async function invoiceOfOwnAccount(w: World, h: Harness, n: number, state: "draft" | "finalized") {
  const account = await connectTestAccount(h.database.db, {
    orgId: w.orgA.id,
    alias: `IV${n}`,
    country: "US",
    costCenterId: w.cc1.id,
  });
  const draft = must(await h.modules.invoicing.draft(w.operator, account, "2026-10"));
  return state === "draft" ? draft.id : must(await h.modules.invoicing.finalize(w.operator, draft.id)).id;
}

/** A finalized invoice of the shared account (cc1), made once, for the rows that read or post it. */
const sharedInvoices = new WeakMap<World, Promise<string>>();
function sharedInvoice(w: World, h: Harness): Promise<string> {
  let invoice = sharedInvoices.get(w);
  if (!invoice) {
    invoice = invoiceOfOwnAccount(w, h, -1, "finalized");
    sharedInvoices.set(w, invoice);
  }
  return invoice;
}

const invoiceReaders: Inside[] = ["ccAdmin", "orgAdmin", "operator"];

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
  discoverBillingAccounts: {
    request: (w) => ({
      method: "POST",
      url: `/api/v1/organizations/${w.orgA.id}/billing-accounts/discover`,
      body: w.partnerCloud,
    }),
    expect: rule("POST", connectors),
  },
  connectBillingAccount: {
    // An unknown ticket: whoever may connect to cc1 gets past the role check and is told the ticket is gone.
    request: (w) => ({
      method: "POST",
      url: `/api/v1/organizations/${w.orgA.id}/billing-accounts`,
      body: { ticket: UNKNOWN_TICKET, accountAlias: "PCLD", costCenterId: w.cc1.id },
    }),
    expect: rule("POST", [], { ccAdmin: "gone", orgAdmin: "gone", operator: "gone" }),
  },
  listBillingAccounts: {
    request: (w) => ({ method: "GET", url: `/api/v1/organizations/${w.orgA.id}/billing-accounts` }),
    expect: rule("GET", connectors),
  },
  getBillingAccount: {
    request: async (w, h) => ({
      method: "GET",
      url: `/api/v1/billing-accounts/${(await sharedAccount(w, h)).id}`,
    }),
    expect: rule("GET", cc1Admins),
  },
  checkBillingAccountEligibility: {
    request: async (w, h) => ({
      method: "POST",
      url: `/api/v1/billing-accounts/${(await sharedAccount(w, h)).id}/eligibility-checks`,
    }),
    expect: rule("POST", cc1Admins),
  },
  disconnectBillingAccount: {
    request: async (w, h) => ({
      method: "DELETE",
      url: `/api/v1/billing-accounts/${await disposableAccount(w, h)}`,
    }),
    expect: rule("DELETE", cc1Admins),
  },
  getBillingAccountSettings: {
    request: () => ({ method: "GET", url: "/api/v1/partner/billing-account-settings" }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  updateBillingAccountSettings: {
    request: () => ({
      method: "PATCH",
      url: "/api/v1/partner/billing-account-settings",
      body: { supportedCountries: ["US", "GB", "CA"] },
    }),
    expect: rule("PATCH", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  getCurrentTerms: {
    request: () => ({ method: "GET", url: "/api/v1/terms" }),
    expect: rule("GET", everyone, { readToken: "ok" }),
  },
  publishTermsVersion: {
    request: (_w, _h, n) => ({
      method: "POST",
      url: "/api/v1/terms/partner_terms/versions",
      body: { body: `The partner's terms, revision ${n}.` },
    }),
    expect: rule("POST", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  acceptTerms: {
    request: async (w, h) => {
      const current = await h.modules.billingAccounts.terms.current();
      return {
        method: "POST",
        url: `/api/v1/billing-accounts/${(await sharedAccount(w, h)).id}/terms-acceptances`,
        body: {
          partnerTermsVersion: current.partnerTerms.version,
          customerAgreementVersion: current.customerAgreement.version,
          contact: { firstName: "Ada", lastName: "Lovelace", email: "ada@a.test" },
        },
      };
    },
    expect: rule("POST", cc1Admins),
  },
  listTermsAcceptances: {
    request: async (w, h) => ({
      method: "GET",
      url: `/api/v1/billing-accounts/${(await sharedAccount(w, h)).id}/terms-acceptances`,
    }),
    expect: rule("GET", cc1Admins),
  },
  listProviderOptions: {
    request: () => ({ method: "GET", url: "/api/v1/provider-options" }),
    expect: rule("GET", everyone),
  },
  listWorkspaceProviders: {
    request: (w) => ({ method: "GET", url: `/api/v1/workspaces/${w.ws1.id}/providers` }),
    expect: rule("GET", providerReaders),
  },
  createProvider: {
    request: (w, _h, n) => ({
      method: "POST",
      url: `/api/v1/workspaces/${w.ws1.id}/providers`,
      body: { name: `Created ${n}`, option: "existing-account", ...w.azure },
    }),
    expect: rule("POST", ws1Admins),
  },
  listOrganizationProviders: {
    request: (w) => ({ method: "GET", url: `/api/v1/organizations/${w.orgA.id}/providers` }),
    expect: rule("GET", ["ccAdmin", "otherCcAdmin", "orgAdmin", "operator"]),
  },
  getProvider: {
    request: async (w, h) => ({ method: "GET", url: `/api/v1/providers/${(await sharedProvider(w, h)).id}` }),
    expect: rule("GET", providerReaders),
  },
  renameProvider: {
    request: async (w, h) => ({
      method: "PATCH",
      url: `/api/v1/providers/${(await sharedProvider(w, h)).id}`,
      body: { name: "Matrix shared provider" },
    }),
    expect: rule("PATCH", ws1Admins),
  },
  replaceProviderCredentials: {
    request: async (w, h) => ({
      method: "PUT",
      url: `/api/v1/providers/${(await sharedProvider(w, h)).id}/credentials`,
      body: { tenant: w.azure?.tenant, clientId: w.azure?.clientId, clientSecret: w.azure?.clientSecret },
    }),
    expect: rule("PUT", ws1Admins),
  },
  deleteProvider: {
    request: async (w, h, n) => ({
      method: "DELETE",
      url: `/api/v1/providers/${(await disposableProvider(w, h, n)).id}`,
    }),
    expect: rule("DELETE", ws1Admins),
  },
  syncProvider: {
    request: async (w, h) => ({
      method: "POST",
      url: `/api/v1/providers/${(await sharedProvider(w, h)).id}/sync`,
    }),
    expect: rule("POST", ws1Admins),
  },
  listProviderLogs: {
    request: async (w, h) => ({
      method: "GET",
      url: `/api/v1/providers/${(await sharedProvider(w, h)).id}/logs`,
    }),
    expect: rule("GET", providerReaders),
  },
  requestProviderShutdown: {
    request: async (w, h) => ({
      method: "POST",
      url: `/api/v1/providers/${(await sharedProvider(w, h)).id}/shutdown-requests`,
      body: { reason: "No longer needed" },
    }),
    expect: rule("POST", ws1Admins),
  },
  listShutdownRequests: {
    request: () => ({ method: "GET", url: "/api/v1/shutdown-requests" }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  getProviderOnboarding: {
    request: async (w, h) => ({
      method: "GET",
      url: `/api/v1/providers/${(await onboardedProvider(w, h)).id}/onboarding`,
    }),
    expect: rule("GET", providerReaders),
  },
  streamProviderOnboarding: {
    // The run has succeeded: the stream sends its progress once and ends.
    request: async (w, h) => ({
      method: "GET",
      url: `/api/v1/providers/${(await onboardedProvider(w, h)).id}/onboarding/stream`,
    }),
    expect: rule("GET", providerReaders),
  },
  getAzureCustomer: {
    request: async (w, h) => {
      await onboardedProvider(w, h);
      return { method: "GET", url: `/api/v1/organizations/${w.orgA.id}/azure-customer` };
    },
    expect: rule("GET", ["ccAdmin", "otherCcAdmin", "orgAdmin", "operator"]),
  },
  revealAzureCustomerCredentials: {
    // Only whoever created the first subscription, and only once: the org admin's cell is the one that sees them.
    request: async (w, h) => {
      await onboardedProvider(w, h);
      return {
        method: "POST",
        url: `/api/v1/organizations/${w.orgA.id}/azure-customer/credentials/reveal`,
        body: { password: PASSWORD },
      };
    },
    expect: rule("POST", ["orgAdmin"]),
  },
  listOnboardingRuns: {
    request: () => ({ method: "GET", url: "/api/v1/onboarding-runs?state=succeeded" }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  getOnboardingRun: {
    request: async (w, h) => ({
      method: "GET",
      url: `/api/v1/onboarding-runs/${(await onboardedProvider(w, h)).runId}`,
    }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  retryOnboardingRun: {
    // A run that succeeded has nothing to retry: the operator is let through and told so.
    request: async (w, h) => ({
      method: "POST",
      url: `/api/v1/onboarding-runs/${(await onboardedProvider(w, h)).runId}/retry`,
    }),
    expect: rule("POST", [], { operator: "conflict", otherOrgAdmin: "forbidden" }),
  },
  resumeOnboardingRun: {
    request: async (w, h) => ({
      method: "POST",
      url: `/api/v1/onboarding-runs/${(await onboardedProvider(w, h)).runId}/resume`,
    }),
    expect: rule("POST", [], { operator: "conflict", otherOrgAdmin: "forbidden" }),
  },
  cancelOnboardingRun: {
    request: async (w, h) => ({
      method: "POST",
      url: `/api/v1/onboarding-runs/${(await onboardedProvider(w, h)).runId}/cancel`,
      body: { reason: "Matrix" },
    }),
    expect: rule("POST", [], { operator: "conflict", otherOrgAdmin: "forbidden" }),
  },
  resendMigrationInvitation: {
    // A new link and expiry each time: the migration's invitation stays open for the next cell.
    request: async (w, h) => ({
      method: "POST",
      url: `/api/v1/providers/${(await migratingProvider(w, h)).id}/migration/invitation/resend`,
    }),
    expect: rule("POST", cc1Admins),
  },
  leaveOutMigrationSubscription: {
    // The migration still waits for its tenant's administrator: whoever may choose is let through and told so.
    request: async (w, h) => ({
      method: "POST",
      url: `/api/v1/providers/${(await migratingProvider(w, h)).id}/migration/subscriptions/${UNKNOWN_SUBSCRIPTION}/leave-out`,
    }),
    expect: rule("POST", [], { ccAdmin: "conflict", orgAdmin: "conflict", operator: "conflict" }),
  },
  importUsageFile: {
    // A usage file with its header and no rows: imported, with nothing in it.
    request: () => ({
      method: "POST",
      url: "/api/v1/billing/usage-imports",
      body: JSON.stringify(`${DAILY_RATED_USAGE_COLUMNS.join(",")}\r\n`),
    }),
    expect: rule("POST", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  listUsageImports: {
    request: () => ({ method: "GET", url: "/api/v1/billing/usage-imports" }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  getUsageImport: {
    request: () => ({ method: "GET", url: "/api/v1/billing/usage-imports/uim_00000000000000000000000000" }),
    expect: rule("GET", [], { operator: "hidden", otherOrgAdmin: "forbidden" }),
  },
  pullUnbilledUsage: {
    request: () => ({ method: "POST", url: "/api/v1/billing/usage-pulls", body: { period: "current" } }),
    expect: rule("POST", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  listTechnicalTasks: {
    request: () => ({ method: "GET", url: "/api/v1/technical-tasks?state=all" }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  completeTechnicalTask: {
    // A task nobody has: an operator is let through and told it does not exist.
    request: () => ({
      method: "POST",
      url: `/api/v1/technical-tasks/${UNKNOWN_TASK}/complete`,
      body: { note: "Matrix" },
    }),
    expect: rule("POST", [], { operator: "hidden", otherOrgAdmin: "forbidden" }),
  },
  // The migration invitation's link: public, authenticated by its token alone.
  getMigrationInvitation: {
    request: async (w, h) => ({
      method: "GET",
      url: `/api/v1/migration-invitations/${await migrationToken(w, h)}`,
    }),
    expect: publicOk,
  },
  declineMigrationInvitation: {
    request: () => ({
      method: "POST",
      url: `/api/v1/migration-invitations/${UNKNOWN_MIGRATION_LINK}/decline`,
      body: { reason: "Matrix" },
    }),
    expect: all("hidden"),
  },
  listOrganizationWebhooks: {
    request: (w) => ({ method: "GET", url: `/api/v1/organizations/${w.orgA.id}/webhooks` }),
    expect: rule("GET", orgAdmins),
  },
  createWebhook: {
    // Organization A's administrator and an operator each add one: with the shared and the disposable one, four.
    request: (w, _h, n) => ({
      method: "POST",
      url: `/api/v1/organizations/${w.orgA.id}/webhooks`,
      body: matrixWebhook(`Matrix created ${n}`),
    }),
    expect: rule("POST", orgAdmins),
  },
  getWebhook: {
    request: async (w, h) => ({ method: "GET", url: `/api/v1/webhooks/${(await sharedWebhook(w, h)).id}` }),
    expect: rule("GET", orgAdmins),
  },
  updateWebhook: {
    request: async (w, h) => ({
      method: "PATCH",
      url: `/api/v1/webhooks/${(await sharedWebhook(w, h)).id}`,
      body: { description: "Matrix shared" },
    }),
    expect: rule("PATCH", orgAdmins),
  },
  deleteWebhook: {
    request: async (w, h) => ({ method: "DELETE", url: `/api/v1/webhooks/${await disposableWebhook(w, h)}` }),
    expect: rule("DELETE", orgAdmins),
  },
  rollWebhookSecret: {
    request: async (w, h) => ({
      method: "POST",
      url: `/api/v1/webhooks/${(await sharedWebhook(w, h)).id}/roll-secret`,
    }),
    expect: rule("POST", orgAdmins),
  },
  sendWebhookTest: {
    request: async (w, h) => ({
      method: "POST",
      url: `/api/v1/webhooks/${(await sharedWebhook(w, h)).id}/test`,
    }),
    expect: rule("POST", orgAdmins),
  },
  listWebhookDeliveries: {
    request: async (w, h) => ({
      method: "GET",
      url: `/api/v1/webhooks/${(await sharedWebhook(w, h)).id}/deliveries`,
    }),
    expect: rule("GET", orgAdmins),
  },
  getAllowedServicesCatalog: {
    request: () => ({ method: "GET", url: "/api/v1/allowed-services/catalog" }),
    expect: rule("GET", everyone),
  },
  listAllowedServicesPresets: {
    request: () => ({ method: "GET", url: "/api/v1/allowed-services/presets" }),
    expect: rule("GET", everyone),
  },
  createAllowedServicesPreset: {
    request: (_w, _h, n) => ({
      method: "POST",
      url: "/api/v1/allowed-services/presets",
      body: { id: `matrix-created-${n}`, label: `Created ${n}`, serviceIds: ["storage-accounts"] },
    }),
    expect: rule("POST", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  updateAllowedServicesPreset: {
    request: async (w, h) => {
      await sharedPreset(w, h);
      return {
        method: "PATCH",
        url: "/api/v1/allowed-services/presets/matrix-shared",
        body: { label: "Matrix shared" },
      };
    },
    expect: rule("PATCH", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  deleteAllowedServicesPreset: {
    request: async (w, h, n) => ({
      method: "DELETE",
      url: `/api/v1/allowed-services/presets/${await disposablePreset(h, w, n)}`,
    }),
    expect: rule("DELETE", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  updateAllowedServicesSettings: {
    request: () => ({
      method: "PATCH",
      url: "/api/v1/allowed-services/settings",
      body: { defaultPresetId: "all-services" },
    }),
    expect: rule("PATCH", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  listDriftFindings: {
    request: () => ({ method: "GET", url: "/api/v1/drift-findings?status=open" }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  runDriftCheck: {
    request: () => ({ method: "POST", url: "/api/v1/drift-checks" }),
    expect: rule("POST", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  listCapturedMail: {
    request: () => ({ method: "GET", url: "/api/v1/mailbox" }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  getMicrosoftConnection: {
    request: () => ({ method: "GET", url: "/api/v1/partner/microsoft-connection" }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  startMicrosoftSignIn: {
    request: () => ({ method: "POST", url: "/api/v1/partner/microsoft-connection/sign-in" }),
    expect: rule("POST", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  // Microsoft's answer: public, authenticated by its state alone; an unknown one sends anyone back to the console.
  completeMicrosoftSignIn: {
    request: () => ({
      method: "GET",
      url: `/api/v1/partner/microsoft-connection/callback?state=${"A".repeat(43)}&code=unknown`,
    }),
    expect: all("redirect"),
  },
  signOutOfMicrosoft: {
    request: () => ({ method: "DELETE", url: "/api/v1/partner/microsoft-connection" }),
    expect: rule("DELETE", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  // Price plans: organization administrators and operators; the partner's rates, policy and usage routing: operators.
  listPricePlans: {
    request: (w) => ({ method: "GET", url: `/api/v1/organizations/${w.orgA.id}/price-plans` }),
    expect: rule("GET", orgAdmins),
  },
  createPricePlan: {
    request: (w) => ({
      method: "POST",
      url: `/api/v1/organizations/${w.orgA.id}/price-plans`,
      body: { effectiveFrom: "2030-01", markupPercent: "10" },
    }),
    expect: rule("POST", orgAdmins),
  },
  previewPricePlan: {
    request: (w) => ({
      method: "POST",
      url: `/api/v1/organizations/${w.orgA.id}/price-plans/preview`,
      body: { markupPercent: "10" },
    }),
    expect: rule("POST", orgAdmins),
  },
  listExchangeRates: {
    request: () => ({ method: "GET", url: "/api/v1/billing/exchange-rates" }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  setExchangeRate: {
    request: () => ({
      method: "PUT",
      url: "/api/v1/billing/exchange-rates/USD/EUR/2026-10",
      body: { rate: "0.92" },
    }),
    expect: rule("PUT", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  deleteExchangeRate: {
    request: async (w, h) => {
      must(
        await h.modules.billingPricing.exchangeRates.set(
          w.operator,
          { from: "USD", to: "CHF", month: "2026-10" },
          "0.88",
        ),
      );
      return { method: "DELETE", url: "/api/v1/billing/exchange-rates/USD/CHF/2026-10" };
    },
    expect: rule("DELETE", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  getBillingSettings: {
    request: () => ({ method: "GET", url: "/api/v1/billing/settings" }),
    expect: rule("GET", everyone),
  },
  updateBillingSettings: {
    request: () => ({
      method: "PUT",
      url: "/api/v1/billing/settings",
      body: { label: "Integrated Azure Services Usage", splitServices: false, timing: "estimate" },
    }),
    expect: rule("PUT", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  listUnassignedUsage: {
    request: () => ({ method: "GET", url: "/api/v1/billing/unassigned-usage?month=2026-10" }),
    expect: rule("GET", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  assignUsage: {
    request: async (w, h) => ({
      method: "PUT",
      url: "/api/v1/billing/usage-assignments/00000000-0000-0000-0000-0000000000ab",
      body: { billingAccountId: (await sharedAccount(w, h)).id },
    }),
    expect: rule("PUT", ["operator"], { otherOrgAdmin: "forbidden" }),
  },
  // Partner Center's deliveries: authenticated by their signature alone, so an unsigned one is refused to everyone.
  receivePartnerCenterEvent: {
    request: () => ({
      method: "POST",
      url: "/api/v1/partner-center/events",
      body: { EventName: "test-created", ResourceUri: "https://api.partnercenter.microsoft.com/x" },
    }),
    expect: all("unauth"),
  },
  listInvoices: {
    request: (w) => ({ method: "GET", url: `/api/v1/organizations/${w.orgA.id}/invoices` }),
    expect: rule("GET", [...invoiceReaders, "otherCcAdmin"]),
  },
  getInvoice: {
    request: async (w, h) => ({ method: "GET", url: `/api/v1/invoices/${await sharedInvoice(w, h)}` }),
    expect: rule("GET", invoiceReaders),
  },
  getInvoiceLineDetail: {
    request: async (w, h) => ({
      method: "GET",
      url: `/api/v1/invoices/${await sharedInvoice(w, h)}/lines/1/detail`,
    }),
    expect: rule("GET", invoiceReaders),
  },
  draftInvoice: {
    request: async (w, h, n) => {
      const account = await connectTestAccount(h.database.db, {
        orgId: w.orgA.id,
        alias: `IVD${n}`,
        country: "US",
        costCenterId: w.cc1.id,
      });
      return { method: "POST", url: `/api/v1/billing-accounts/${account}/invoices/2026-10/draft` };
    },
    expect: rule("POST", ["orgAdmin", "operator"]),
  },
  finalizeInvoice: {
    request: async (w, h, n) => ({
      method: "POST",
      url: `/api/v1/invoices/${await invoiceOfOwnAccount(w, h, n, "draft")}/finalize`,
    }),
    expect: rule("POST", ["operator"]),
  },
  creditInvoice: {
    request: async (w, h, n) => ({
      method: "POST",
      url: `/api/v1/invoices/${await invoiceOfOwnAccount(w, h, n, "finalized")}/credit-notes`,
      body: { reason: "Billed to the wrong account" },
    }),
    expect: rule("POST", ["operator"]),
  },
  postInvoice: {
    request: async (w, h) => ({ method: "POST", url: `/api/v1/invoices/${await sharedInvoice(w, h)}/post` }),
    expect: rule("POST", ["operator"]),
  },
  getEstimate: {
    request: async (w, h) => ({
      method: "GET",
      url: `/api/v1/estimates?scope=billing_account&id=${(await sharedAccount(w, h)).id}`,
    }),
    expect: rule("GET", invoiceReaders),
  },
  getBillingEstimate: {
    request: async (w, h) => {
      await sharedAccount(w, h);
      return { method: "GET", url: "/accounts/PCUK/azure/billingestimate" };
    },
    expect: rule("GET", invoiceReaders),
  },
};
