import { createContext, useContext } from "react";
import type { Contexts } from "../api/types.ts";
import type { Permissions } from "../session/permissions.ts";
import type { Scope } from "./scope.ts";

export type ScopeState = {
  contexts: Contexts;
  scope: Scope | null;
  /** The organization of the current scope (null for an operator before any organization exists). */
  orgId: string | null;
  permissions: Permissions;
  selectScope: (scopeId: string) => void;
  toggleFavorite: (scopeId: string) => Promise<void>;
  reloadContexts: () => Promise<void>;
};

export const ScopeContext = createContext<ScopeState | null>(null);

/** The current scope, what the user may switch to, and what they may do in it. */
export function useScope(): ScopeState {
  const state = useContext(ScopeContext);
  if (!state) throw new Error("useScope must be used inside <ScopeProvider>");
  return state;
}
