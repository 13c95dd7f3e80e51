import { and, eq } from "drizzle-orm";
import type { Tx } from "../../platform/db/types.ts";
import { newId } from "../../platform/ids.ts";
import type { OrgRole } from "./principal.ts";
import { costCenters, users, workspaceMembers, workspaces } from "./tables.ts";

/** Inserts a user into an organization together with their personal workspace in the default cost center. */
export async function insertMember(
  tx: Tx,
  at: Date,
  m: { userId: string; orgId: string; email: string; name: string; orgRole: OrgRole; passwordHash: string },
): Promise<{ personalWorkspaceId: string }> {
  const [cc] = await tx
    .select({ id: costCenters.id })
    .from(costCenters)
    .where(and(eq(costCenters.orgId, m.orgId), eq(costCenters.isDefault, true)));
  if (!cc) throw new Error(`organization ${m.orgId} has no default cost center`);
  await tx.insert(users).values({
    id: m.userId,
    email: m.email.toLowerCase(),
    name: m.name,
    passwordHash: m.passwordHash,
    orgId: m.orgId,
    orgRole: m.orgRole,
    createdAt: at,
  });
  const personalWorkspaceId = newId("workspace", at);
  await tx.insert(workspaces).values({
    id: personalWorkspaceId,
    orgId: m.orgId,
    costCenterId: cc.id,
    kind: "personal",
    name: `${m.name}'s workspace`,
    ownerUserId: m.userId,
    createdAt: at,
  });
  await tx.insert(workspaceMembers).values({
    workspaceId: personalWorkspaceId,
    userId: m.userId,
    orgId: m.orgId,
    role: "admin",
    createdAt: at,
  });
  return { personalWorkspaceId };
}
