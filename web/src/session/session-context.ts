import { createContext, useContext } from "react";
import type { Session, User } from "../api/types.ts";

export type SessionState = {
  session: Session;
  partnerName: string | null;
  signOut: () => Promise<void>;
};

export const SessionContext = createContext<SessionState | null>(null);

/** The signed-in session; only available inside the signed-in part of the console. */
export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error("useSession must be used inside <SessionContext.Provider>");
  return state;
}

export function useCurrentUser(): User {
  return useSession().session.user;
}
