import { useEffect, useMemo, useState } from "react";
import { createApiClient } from "../api/api-client.ts";
import { ApiError } from "../api/api-error.ts";
import { createHttpClient } from "../api/http-client.ts";
import type { Session, SetupStatus } from "../api/types.ts";
import { matchPath } from "../routing/match-path.ts";
import { navigate, usePathname } from "../routing/navigation.ts";
import { Redirect } from "../routing/redirect.tsx";
import { InvitePage } from "../screens/invite/invite-page.tsx";
import { MigrationInvitationPage } from "../screens/migration-invitation/migration-invitation-page.tsx";
import { SetupPage } from "../screens/setup/setup-page.tsx";
import { SignInPage } from "../screens/sign-in/sign-in-page.tsx";
import { SessionContext, type SessionState } from "../session/session-context.ts";
import { ScopeProvider } from "../scope/scope-provider.tsx";
import { AppShell } from "../shell/app-shell.tsx";
import { LoadError } from "../ui/load-error.tsx";
import { ApiContext } from "./api-context.ts";

type Boot = { setup: SetupStatus; session: Session | null };

/**
 * The console: first-run setup, sign-in, invitations and the migration invitation's public page outside; the app
 * shell once signed in.
 */
export function App() {
  const [boot, setBoot] = useState<Boot | null>(null);
  const [bootError, setBootError] = useState<unknown>(null);
  const path = usePathname();

  const api = useMemo(() => {
    const http = createHttpClient({
      baseUrl: "/api/v1",
      onUnauthenticated: () => setBoot((b) => (b && b.session ? { ...b, session: null } : b)),
    });
    return createApiClient(http);
  }, []);

  async function start() {
    setBootError(null);
    try {
      const setup = await api.session.setupStatus();
      let session: Session | null = null;
      if (!setup.needsSetup) {
        try {
          session = await api.session.current();
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 401)) throw e;
        }
      }
      api.http.setCsrfToken(session?.csrfToken ?? null);
      setBoot({ setup, session });
    } catch (e) {
      setBootError(e);
    }
  }

  useEffect(() => {
    void start();
    // Runs once: the session is then kept by sign-in, sign-out and the 401 handler.
  }, []);

  function signedIn(session: Session, partnerName?: string) {
    api.http.setCsrfToken(session.csrfToken);
    setBoot((b) => ({
      setup: { needsSetup: false, partnerName: partnerName ?? b?.setup.partnerName ?? null },
      session,
    }));
    navigate("/");
  }

  const sessionState = useMemo<SessionState | null>(() => {
    if (!boot?.session) return null;
    return {
      session: boot.session,
      partnerName: boot.setup.partnerName,
      async signOut() {
        try {
          await api.session.signOut();
        } finally {
          api.http.setCsrfToken(null);
          setBoot((b) => (b ? { ...b, session: null } : b));
          navigate("/sign-in");
        }
      },
    };
  }, [api, boot]);

  if (bootError) {
    return (
      <div className="public-page">
        <LoadError error={bootError} onRetry={() => void start()} />
      </div>
    );
  }
  if (!boot) return <div className="boot">Loading…</div>;

  const migrationToken = matchPath("/migration-invitations/:token", path)?.["token"];
  let page;
  if (path === "/invite") {
    page = <InvitePage onSignedIn={signedIn} />;
  } else if (migrationToken) {
    page = <MigrationInvitationPage key={migrationToken} token={migrationToken} />;
  } else if (boot.setup.needsSetup) {
    page = path === "/setup" ? <SetupPage onSignedIn={signedIn} /> : <Redirect to="/setup" />;
  } else if (!sessionState) {
    page =
      path === "/sign-in" ? (
        <SignInPage partnerName={boot.setup.partnerName} onSignedIn={signedIn} />
      ) : (
        <Redirect to="/sign-in" />
      );
  } else if (path === "/sign-in" || path === "/setup") {
    page = <Redirect to="/" />;
  } else {
    page = (
      <SessionContext.Provider value={sessionState}>
        <ScopeProvider key={sessionState.session.user.id}>
          <AppShell />
        </ScopeProvider>
      </SessionContext.Provider>
    );
  }
  return <ApiContext.Provider value={api}>{page}</ApiContext.Provider>;
}
