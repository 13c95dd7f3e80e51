import { Link } from "../routing/link.tsx";
import { useSession } from "../session/session-context.ts";
import { ContextSwitcher } from "./context-switcher.tsx";
import { UserMenu } from "./user-menu.tsx";

export function TopBar({ onNotice }: { onNotice: (text: string) => void }) {
  const { partnerName } = useSession();
  return (
    <header className="top-bar">
      <Link to="/" className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        Partner Cloud
        {partnerName ? <span className="brand-partner">{partnerName}</span> : null}
      </Link>
      <ContextSwitcher />
      <div className="top-bar-spacer" />
      <UserMenu onNotice={onNotice} />
    </header>
  );
}
