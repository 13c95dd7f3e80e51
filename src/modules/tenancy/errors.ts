import { appError } from "../../platform/result.ts";

/** The failures tenancy reports. Codes are persisted in clients' code: never rename one. */
export const tenancyErrors = {
  notFound: (what: string, id: string) =>
    appError("not_found", `No ${what} with id ${id} exists, or you cannot see it. Check the id.`),
  forbidden: (why: string) => appError("forbidden", why),
  nameTaken: (what: string, name: string) =>
    appError("name_taken", `A ${what} named "${name}" already exists here. Choose another name.`),
  emailTaken: (email: string) =>
    appError(
      "email_taken",
      `${email} already has a Partner Cloud account. Each person belongs to one organization; use another address.`,
    ),
  costCenterNotEmpty: () =>
    appError(
      "cost_center_not_empty",
      "This cost center still holds workspaces. Delete or empty them first; a workspace's cost center cannot change.",
    ),
  defaultCostCenter: () =>
    appError(
      "default_cost_center",
      "The default cost center holds personal workspaces and cannot be deleted.",
    ),
  personalWorkspace: () =>
    appError(
      "personal_workspace",
      "A personal workspace belongs to its user and cannot be deleted or shared.",
    ),
  notOrgMember: (userId: string) =>
    appError(
      "not_org_member",
      `User ${userId} is not an active member of this organization. Invite them first.`,
    ),
  lastAdmin: () =>
    appError(
      "last_admin",
      "This is the organization's last administrator. Make another user administrator first.",
    ),
  cannotDisableSelf: () =>
    appError("cannot_disable_self", "You cannot disable your own account. Ask another administrator."),
  invitationInvalid: () =>
    appError(
      "invitation_invalid",
      "This invitation link is not valid: it was used, revoked or has expired. Ask an administrator for a new one.",
    ),
  alreadySetUp: () =>
    appError("already_set_up", "Partner Cloud is already set up. Sign in with the operator account instead."),
  workspaceOutsideOrg: () =>
    appError(
      "invalid_reference",
      "The workspace is not in this organization. Pick one of this organization's workspaces.",
    ),
  costCenterOutsideOrg: () =>
    appError(
      "invalid_reference",
      "costCenterId is not a cost center of this organization. Pick one of this organization's cost centers.",
    ),
};

export type TenancyError = ReturnType<(typeof tenancyErrors)[keyof typeof tenancyErrors]>;
