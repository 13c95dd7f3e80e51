import type { HttpClient } from "./http-client.ts";
import type { Session, SetupStatus } from "./types.ts";

export type SetupInput = { partnerName: string; name: string; email: string; password: string };

/** First-run setup, sign-in and sign-out. */
export function sessionApi(http: HttpClient) {
  return {
    setupStatus: () => http.get<SetupStatus>("/setup"),
    completeSetup: (input: SetupInput) => http.post<Session>("/setup", input),
    signIn: (email: string, password: string) => http.post<Session>("/auth/login", { email, password }),
    current: () => http.get<Session>("/auth/session"),
    signOut: () => http.post<null>("/auth/logout"),
  };
}
