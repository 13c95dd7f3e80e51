import { loadPrincipal } from "./principal.ts";
import type { TenancyDeps } from "./deps.ts";
import { createContexts } from "./contexts.ts";
import { createCostCenters } from "./cost-centers.ts";
import { createInvitations } from "./invitations.ts";
import { createOrganizations } from "./organizations.ts";
import { createSetup } from "./setup.ts";
import { createUsers } from "./users.ts";
import { createWorkspaces } from "./workspaces.ts";

/** Partner, organizations, cost centers, workspaces, users and their roles, invitations. */
export function createTenancy(deps: TenancyDeps) {
  return {
    setup: createSetup(deps),
    organizations: createOrganizations(deps),
    costCenters: createCostCenters(deps),
    workspaces: createWorkspaces(deps),
    users: createUsers(deps),
    invitations: createInvitations(deps),
    contexts: createContexts(deps),
    principalOf: (userId: string) => loadPrincipal(deps.db, userId),
  };
}

export type Tenancy = ReturnType<typeof createTenancy>;
export type { TenancyDeps } from "./deps.ts";
export type { Caller } from "./caller.ts";
export type { Principal, OrgRole, WorkspaceRole } from "./principal.ts";
export type { TenancyError } from "./errors.ts";
export type { Organization } from "./organizations.ts";
export type { CostCenter } from "./cost-centers.ts";
export type { Workspace, Member } from "./workspaces.ts";
export type { User } from "./users.ts";
export type { Invitation } from "./invitations.ts";
export type { Contexts } from "./contexts.ts";
export { requireOrgAdmin } from "./access.ts";
