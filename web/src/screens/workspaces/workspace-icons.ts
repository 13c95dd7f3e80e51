/** The icons a team workspace can wear; the API stores the name. */
export const workspaceIcons = [
  { value: "folder", label: "Folder" },
  { value: "flask", label: "Lab" },
  { value: "code", label: "Code" },
  { value: "chart", label: "Reports" },
  { value: "globe", label: "Web" },
  { value: "database", label: "Data" },
  { value: "lock", label: "Security" },
] as const;

export type WorkspaceIconName = (typeof workspaceIcons)[number]["value"] | "person";

export const defaultWorkspaceIcon: WorkspaceIconName = "folder";

export function isWorkspaceIconName(value: string): value is WorkspaceIconName {
  return value === "person" || workspaceIcons.some((i) => i.value === value);
}
