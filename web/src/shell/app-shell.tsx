import { useEffect, useState } from "react";
import { PageRoutes } from "./page-routes.tsx";
import { SideNav } from "./side-nav.tsx";
import { TopBar } from "./top-bar.tsx";

/** The signed-in layout: top bar with the context switcher and user menu, navigation, the current page. */
export function AppShell() {
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = window.setTimeout(() => setNotice(null), 5000);
    return () => window.clearTimeout(timer);
  }, [notice]);

  return (
    <div className="shell">
      <TopBar onNotice={setNotice} />
      <div className="shell-body">
        <SideNav />
        <main className="content">
          <PageRoutes />
        </main>
      </div>
      {notice ? (
        <div className="toast" role="status">
          {notice}
        </div>
      ) : null}
    </div>
  );
}
