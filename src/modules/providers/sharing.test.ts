import assert from "node:assert/strict";
import { test } from "node:test";
import type { Principal, WorkspaceRole } from "../tenancy/index.ts";
import { canChooseOptimizedOption, providerAccess, type ProviderAccess } from "./sharing.ts";

const scope = { orgId: "org_a", costCenterId: "cc_1", workspaceId: "ws_1" };

function principal(over: Partial<Principal> & { role?: WorkspaceRole }): Principal {
  const { role, ...rest } = over;
  return {
    userId: "usr_x",
    email: "x@a.test",
    name: "x",
    isOperator: false,
    orgId: "org_a",
    orgRole: "member",
    status: "active",
    costCenterAdminOf: new Set(),
    workspaceRoles: new Map(role ? [["ws_1", role]] : []),
    administersTeamWorkspace: false,
    ...rest,
  };
}

const cases: [string, Principal, boolean, ProviderAccess, boolean][] = [
  [
    "a partner operator edits",
    principal({ isOperator: true, orgId: null, orgRole: null }),
    true,
    "edit",
    true,
  ],
  ["an organization administrator edits", principal({ orgRole: "admin" }), true, "edit", true],
  [
    "the cost center's administrator edits",
    principal({ costCenterAdminOf: new Set(["cc_1"]) }),
    true,
    "edit",
    true,
  ],
  [
    "another cost center's administrator has nothing",
    principal({ costCenterAdminOf: new Set(["cc_2"]) }),
    true,
    "none",
    false,
  ],
  ["a workspace administrator edits", principal({ role: "admin" }), true, "edit", false],
  ["a workspace author sees but does not edit", principal({ role: "author" }), true, "see", false],
  ["a workspace user does not see providers", principal({ role: "user" }), true, "none", false],
  ["a workspace visitor sees", principal({ role: "visitor" }), true, "see", false],
  ["a member of the organization outside the workspace has nothing", principal({}), true, "none", false],
  [
    "another organization's administrator does not know the provider exists",
    principal({ orgId: "org_b", orgRole: "admin" }),
    false,
    "none",
    false,
  ],
];

for (const [name, p, inOrg, access, optimized] of cases)
  void test(`providers sharing: ${name}`, () => {
    assert.deepEqual(providerAccess(p, scope), { inOrg, access });
    assert.equal(canChooseOptimizedOption(p, scope), optimized);
  });
