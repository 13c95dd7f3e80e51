import { useRef, useState } from "react";
import { navigate } from "../routing/navigation.ts";
import { useSession } from "../session/session-context.ts";
import { ChangePasswordDialog } from "./change-password-dialog.tsx";
import { useDismiss } from "./use-dismiss.ts";

function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : [parts[0]];
  return letters.map((p) => (p ?? "").charAt(0).toUpperCase()).join("") || "?";
}

/** The signed-in user's menu: API tokens, change password, sign out. */
export function UserMenu({ onNotice }: { onNotice: (text: string) => void }) {
  const { session, signOut } = useSession();
  const user = session.user;
  const [open, setOpen] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  useDismiss(root, open, () => setOpen(false));

  return (
    <div className="user-menu" ref={root}>
      <button
        type="button"
        className="user-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="user-menu"
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar" aria-hidden="true">
          {initialsOf(user.name)}
        </span>
        <span className="user-menu-name">{user.name}</span>
      </button>
      {open ? (
        <div className="menu" role="menu">
          <div className="menu-header">
            <strong>{user.name}</strong>
            <span>{user.email}</span>
            <span className="muted">
              {user.isOperator
                ? "Partner operator"
                : user.orgRole === "admin"
                  ? "Organization admin"
                  : "Member"}
            </span>
          </div>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              navigate("/tokens");
            }}
          >
            API tokens
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              setChangingPassword(true);
            }}
          >
            Change password
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setOpen(false);
              void signOut();
            }}
          >
            Sign out
          </button>
        </div>
      ) : null}
      {changingPassword ? (
        <ChangePasswordDialog
          onClose={() => setChangingPassword(false)}
          onChanged={() => onNotice("Your password was changed.")}
        />
      ) : null}
    </div>
  );
}
