import type { WorkspaceRole } from "../../api/types.ts";

export const workspaceRoleOptions: { value: WorkspaceRole; label: string }[] = [
  { value: "visitor", label: "Visitor — sees, edits nothing" },
  { value: "user", label: "User — deploys and edits instances" },
  { value: "author", label: "Author — also edits boxes" },
  { value: "admin", label: "Administrator — everything, incl. members" },
];

export const workspaceRoleLabel: Record<WorkspaceRole, string> = {
  visitor: "Visitor",
  user: "User",
  author: "Author",
  admin: "Administrator",
};

export function isWorkspaceRole(value: string): value is WorkspaceRole {
  return value === "visitor" || value === "user" || value === "author" || value === "admin";
}
