import type { ReactNode } from "react";
import { defaultWorkspaceIcon, isWorkspaceIconName, type WorkspaceIconName } from "./workspace-icons.ts";

const shapes: Record<WorkspaceIconName, ReactNode> = {
  folder: <path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z" />,
  flask: <path d="M9 3h6M10 3v6l-5 9a2 2 0 0 0 1.7 3h10.6a2 2 0 0 0 1.7-3l-5-9V3M7.5 14h9" />,
  code: <path d="M8 6l-6 6 6 6M16 6l6 6-6 6" />,
  chart: <path d="M4 20h16M7 16v-5M12 16V6M17 16v-8" />,
  globe: (
    <>
      <circle cx="12" cy="12" r="9" />
      <path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18" />
    </>
  ),
  database: (
    <>
      <ellipse cx="12" cy="5" rx="8" ry="3" />
      <path d="M4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3" />
    </>
  ),
  lock: (
    <>
      <rect x="5" y="11" width="14" height="10" rx="2" />
      <path d="M8 11V7a4 4 0 0 1 8 0v4" />
    </>
  ),
  person: (
    <>
      <circle cx="12" cy="8" r="4" />
      <path d="M4 21c0-4 3.6-7 8-7s8 3 8 7" />
    </>
  ),
};

/** A workspace's icon; a personal workspace shows a person, an unknown icon name the default. */
export function WorkspaceIcon({
  icon,
  kind,
  size = 18,
}: {
  icon: string | null;
  kind: "personal" | "team";
  size?: number;
}) {
  const name: WorkspaceIconName =
    icon && isWorkspaceIconName(icon) ? icon : kind === "personal" ? "person" : defaultWorkspaceIcon;
  return (
    <svg
      className="ws-icon"
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {shapes[name]}
    </svg>
  );
}
