import { useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import type { Contexts } from "../api/types.ts";
import { useApi } from "../app/api-context.ts";
import { useCurrentUser } from "../session/session-context.ts";
import { permissionsOf } from "../session/permissions.ts";
import { LoadError } from "../ui/load-error.tsx";
import { rememberScopeId, rememberedScopeId } from "./remembered-scope.ts";
import { resolveScope } from "./scope.ts";
import { ScopeContext, type ScopeState } from "./scope-context.ts";

/** Loads what the user may switch to and keeps the chosen scope (remembered in this browser). */
export function ScopeProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const user = useCurrentUser();
  const [contexts, setContexts] = useState<Contexts | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [scopeId, setScopeId] = useState<string | null>(() => rememberedScopeId(user.id));

  const reloadContexts = useCallback(async () => {
    try {
      setContexts(await api.me.contexts());
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [api]);

  useEffect(() => {
    void reloadContexts();
  }, [reloadContexts]);

  const state = useMemo<ScopeState | null>(() => {
    if (!contexts) return null;
    const scope = resolveScope(contexts, scopeId);
    const orgId = scope?.orgId ?? null;
    return {
      contexts,
      scope,
      orgId,
      permissions: permissionsOf(user, contexts, orgId),
      selectScope(id) {
        rememberScopeId(user.id, id);
        setScopeId(id);
      },
      async toggleFavorite(id) {
        if (contexts.favorites.includes(id)) await api.me.removeFavorite(id);
        else await api.me.addFavorite(id);
        await reloadContexts();
      },
      reloadContexts,
    };
  }, [api, contexts, reloadContexts, scopeId, user]);

  if (!state) {
    return error ? (
      <LoadError error={error} onRetry={() => void reloadContexts()} />
    ) : (
      <div className="boot">Loading…</div>
    );
  }
  return <ScopeContext.Provider value={state}>{children}</ScopeContext.Provider>;
}
