import type { Harness } from "./harness.ts";
import { must, passwordHash } from "./harness.ts";

/**
 * The cast of the authorization tests. Organization A has two cost centers (cc1, cc2), a team workspace ws1 in
 * cc1 with one member of each workspace role, and ws2 in cc2. Organization B has its own admin, cost center and
 * workspace. A bystander in A is the target of role changes, so actors' own rights never change mid-test.
 */
/** The members of ws1, one per workspace role. */
export const workspaceCast = [
  ["wsVisitor", "visitor"],
  ["wsUser", "user"],
  ["wsAuthor", "author"],
  ["wsAdmin", "admin"],
] as const;

/** An Azure subscription with an application that may read it (option 1 of a provider), when the test has one. */
export type AzureAccount = { tenant: string; subscriptionId: string; clientId: string; clientSecret: string };

/** The partner cloud's account administrator, when the test has a partner cloud (a seeded emulator). */
export type PartnerCloudLogin = { userName: string; password: string };

export async function createWorld(
  h: Harness,
  opts: { azure?: AzureAccount; partnerCloud?: PartnerCloudLogin } = {},
) {
  const { tenancy, identity } = h.modules;
  const setup = must(
    await tenancy.setup.complete(
      { partnerName: "Test Partner", name: "Operator", email: "op@partner.test", passwordHash },
      null,
    ),
  );
  const operator = await h.callerFor(setup.userId);

  const orgA = must(await tenancy.organizations.create(operator, { name: "Org A" }));
  const orgB = must(await tenancy.organizations.create(operator, { name: "Org B" }));
  const cc1 = must(await tenancy.costCenters.create(operator, orgA.id, { name: "CC One" }));
  const cc2 = must(await tenancy.costCenters.create(operator, orgA.id, { name: "CC Two" }));
  const ccB = must(await tenancy.costCenters.create(operator, orgB.id, { name: "CC B" }));
  const ws1 = must(
    await tenancy.workspaces.create(operator, orgA.id, { name: "WS One", costCenterId: cc1.id }),
  );
  const ws2 = must(
    await tenancy.workspaces.create(operator, orgA.id, { name: "WS Two", costCenterId: cc2.id }),
  );
  const wsB = must(
    await tenancy.workspaces.create(operator, orgB.id, { name: "WS B", costCenterId: ccB.id }),
  );

  const user = async (orgId: string, email: string, orgRole: "admin" | "member") =>
    must(
      await tenancy.users.provision(operator, {
        orgId,
        email,
        name: email.split("@")[0] ?? email,
        orgRole,
        passwordHash,
      }),
    ).id;

  const ids = {
    operator: setup.userId,
    orgAdmin: await user(orgA.id, "admin@a.test", "admin"),
    ccAdmin: await user(orgA.id, "ccadmin@a.test", "member"),
    otherCcAdmin: await user(orgA.id, "cc2admin@a.test", "member"),
    wsVisitor: await user(orgA.id, "visitor@a.test", "member"),
    wsUser: await user(orgA.id, "user@a.test", "member"),
    wsAuthor: await user(orgA.id, "author@a.test", "member"),
    wsAdmin: await user(orgA.id, "wsadmin@a.test", "member"),
    bystander: await user(orgA.id, "bystander@a.test", "member"),
    otherOrgAdmin: await user(orgB.id, "admin@b.test", "admin"),
  };
  must(await tenancy.costCenters.addAdmin(operator, cc1.id, ids.ccAdmin));
  must(await tenancy.costCenters.addAdmin(operator, cc2.id, ids.otherCcAdmin));
  for (const [who, role] of workspaceCast)
    must(await tenancy.workspaces.setMember(operator, ws1.id, ids[who], role));

  const adminCaller = await h.callerFor(ids.orgAdmin);
  const owner = { userId: ids.orgAdmin, orgId: orgA.id, actor: adminCaller.actor };
  const readToken = must(await identity.tokens.create(owner, { name: "read", scope: "read" }));
  const revoked = must(await identity.tokens.create(owner, { name: "revoked", scope: "write" }));
  must(await identity.tokens.revoke(owner, revoked.token.id));
  const expiring = must(
    await identity.tokens.create(owner, { name: "expiring", scope: "write", expiresInDays: 1 }),
  );

  return {
    orgA,
    orgB,
    cc1,
    cc2,
    ccB,
    ws1,
    ws2,
    wsB,
    ids,
    operator,
    tokens: { read: readToken.secret, revoked: revoked.secret, expiring: expiring.secret },
    partnerCloud: opts.partnerCloud ?? null,
    azure: opts.azure ?? null,
  };
}

export type World = Awaited<ReturnType<typeof createWorld>>;
