import type { MicrosoftConnectionDeps } from "./deps.ts";
import { createSignIn } from "./sign-in.ts";
import { createStatus } from "./status.ts";

/**
 * The partner's connection to Microsoft as operators manage it: the partner administrator's sign-in (authorization
 * code with PKCE) whose refresh token app+user Partner Center calls use, and a live status of the application and
 * of that sign-in.
 */
export function createMicrosoftConnection(deps: MicrosoftConnectionDeps) {
  const signIn = createSignIn(deps);
  return {
    /** Operators: the application check and the stored sign-in, checked live. */
    status: createStatus(deps),
    /** Operators: a new sign-in; send the browser to the `authorizeUrl` returned. */
    start: signIn.start,
    /** Microsoft's answer at the redirect URI; authenticated by its single-use state alone. */
    complete: signIn.complete,
    /** Operators: forget the stored sign-in. */
    signOut: signIn.signOut,
  };
}

export type MicrosoftConnectionModule = ReturnType<typeof createMicrosoftConnection>;
export type { MicrosoftConnectionDeps, PartnerMicrosoft } from "./deps.ts";
export type { MicrosoftConnectionError } from "./errors.ts";
export { microsoftConnectionErrors } from "./errors.ts";
export type { Check, ConnectionStatus } from "./status.ts";
export type { SignedIn, SignInAnswer, SignInStarted } from "./sign-in.ts";
export { CALLBACK_PATH, SIGN_IN_MINUTES, SIGN_IN_SCOPE } from "./sign-in.ts";
export { createRefreshTokenStore, type RefreshTokenStoreDeps } from "./refresh-token-store.ts";
