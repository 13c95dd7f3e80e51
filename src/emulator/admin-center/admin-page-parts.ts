import { html } from "../entra/html.ts";
import type { AdminSignedIn } from "./admin-sessions.ts";

/** The directory role that may accept partner invitations and approve GDAP relationships. */
export const GLOBAL_ADMINISTRATOR = "Global Administrator";

/** The footer line of every admin-center page: who is signed in. */
export const signedInAs = (signedIn: AdminSignedIn) =>
  html`<p><small>Signed in as ${signedIn.user.userPrincipalName}.</small></p>`;
