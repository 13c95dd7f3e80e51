import { sql } from "drizzle-orm";
import { boolean, check, index, pgTable, text } from "drizzle-orm/pg-core";
import { ts } from "../../platform/db/columns.ts";

/**
 * The partner administrator's sign-in for app+user calls (Microsoft's secure application model): at most one row
 * (`singleton`). The refresh token is stored only under the secret box. `id` names this sign-in: a rotation of its
 * refresh token keeps it, a new sign-in replaces it, so a rotation never overwrites a newer sign-in.
 */
export const microsoftPartnerSignIn = pgTable(
  "microsoft_partner_sign_in",
  {
    singleton: boolean("singleton").primaryKey().default(true),
    id: text("id").notNull(),
    refreshTokenSealed: text("refresh_token_sealed").notNull(),
    userPrincipalName: text("user_principal_name").notNull(),
    userObjectId: text("user_object_id").notNull(),
    tenantId: text("tenant_id").notNull(),
    /** The sign-in used multi-factor authentication, as the token's `amr` says. */
    mfa: boolean("mfa").notNull(),
    signedInAt: ts("signed_in_at").notNull(),
    /** The operator who started the sign-in. */
    signedInBy: text("signed_in_by").notNull(),
    signedInByEmail: text("signed_in_by_email"),
    /** When Entra last handed back a new refresh token for this sign-in. */
    refreshedAt: ts("refreshed_at"),
  },
  (t) => [check("microsoft_partner_sign_in_singleton", sql`${t.singleton}`)],
);

/**
 * Sign-ins on their way through Microsoft: the SHA-256 of the `state` sent (the state itself is only in the
 * browser's URL), the PKCE verifier under the secret box, who asked and until when the answer is accepted. A row
 * is deleted when the answer comes back, whatever it says, so a state works once.
 */
export const microsoftSignInRequests = pgTable(
  "microsoft_sign_in_requests",
  {
    stateSha256: text("state_sha256").primaryKey(),
    codeVerifierSealed: text("code_verifier_sealed").notNull(),
    requestedBy: text("requested_by").notNull(),
    requestedByEmail: text("requested_by_email"),
    requestedAt: ts("requested_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [index("microsoft_sign_in_requests_expires_idx").on(t.expiresAt)],
);
