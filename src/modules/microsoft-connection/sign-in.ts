import { eq, lt } from "drizzle-orm";
import { microsoftResources, readTokenClaims, type EntraError } from "../../integrations/entra/index.ts";
import { newId } from "../../platform/ids.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { AuditActor } from "../audit/index.ts";
import type { Caller } from "../tenancy/index.ts";
import type { MicrosoftConnectionDeps, PartnerMicrosoft } from "./deps.ts";
import { microsoftConnectionErrors as errors, type MicrosoftConnectionError } from "./errors.ts";
import { newSignInSecrets, stateKey } from "./pkce.ts";
import { microsoftPartnerSignIn, microsoftSignInRequests } from "./tables.ts";

/**
 * Where Microsoft sends the browser back, under PUBLIC_URL: register `${PUBLIC_URL}${CALLBACK_PATH}` as a Web reply
 * URL of the partner's application in Microsoft Entra ID.
 */
export const CALLBACK_PATH = "/api/v1/partner/microsoft-connection/callback";

/** How long Microsoft's answer to a sign-in is accepted: long enough for MFA, short enough to be single-purpose. */
export const SIGN_IN_MINUTES = 10;

/**
 * Partner Center's app+user scope, the refresh token (offline_access), and who signed in (openid profile).
 * `.default` asks for what the application was consented, as Partner Center's samples do.
 */
export const SIGN_IN_SCOPE = `${microsoftResources.partnerCenter}/.default offline_access openid profile`;

/** Microsoft's answer at the redirect URI: a code, or an error (`access_denied` when the person cancelled). */
export type SignInAnswer = { readonly state: string; readonly code?: string; readonly error?: string };

export type SignInStarted = { readonly authorizeUrl: string; readonly expiresAt: Date };
export type SignedIn = { readonly userPrincipalName: string; readonly mfa: boolean };

const TARGET = "microsoft_connection";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The partner tenant's id, which the signed-in user's `tid` must be. PARTNER_TENANT_ID may be a domain: then the
 * id is the `tid` of an app-only token in that tenant.
 */
async function tenantGuid(ms: PartnerMicrosoft): Promise<Result<string, EntraError>> {
  if (GUID.test(ms.partnerTenantId)) return ok(ms.partnerTenantId);
  const app = await ms.tokens.appToken(ms.partnerTenantId, microsoftResources.partnerCenter);
  if (!app.ok) return app;
  const tid = readTokenClaims(app.value.token)?.tid;
  return tid
    ? ok(tid)
    : err({
        code: "entra_invalid_response",
        message: "Microsoft Entra ID answered with an app-only token that names no tenant (no tid).",
        retryable: false,
        details: {
          tenant: ms.partnerTenantId,
          resource: microsoftResources.partnerCenter,
          correlationId: "",
        },
      });
}

export function createSignIn(deps: MicrosoftConnectionDeps) {
  const T = microsoftSignInRequests;

  /** Starts an operator's sign-in: a PKCE pair and a state kept for ten minutes; the browser goes to Microsoft. */
  async function start(caller: Caller): Promise<Result<SignInStarted, MicrosoftConnectionError>> {
    if (!caller.principal.isOperator) return err(errors.forbidden());
    const ms = deps.microsoft;
    if (!ms) return err(errors.notConnected());
    const { verifier, challenge, state } = newSignInSecrets();
    const now = deps.clock.now();
    const expiresAt = new Date(now.getTime() + SIGN_IN_MINUTES * 60_000);
    await deps.db.transaction(async (tx) => {
      await tx.delete(T).where(lt(T.expiresAt, now));
      await tx.insert(T).values({
        stateSha256: stateKey(state),
        codeVerifierSealed: deps.secrets().encrypt(verifier),
        requestedBy: caller.principal.userId,
        requestedByEmail: caller.principal.email,
        requestedAt: now,
        expiresAt,
      });
      await deps.audit.record(tx, caller.actor, {
        orgId: null,
        action: "microsoft_connection.sign_in_started",
        targetType: TARGET,
        targetId: null,
        details: { expiresAt: expiresAt.toISOString() },
      });
    });
    const authorizeUrl = ms.signIn.authorizeUrl({
      redirectUri: deps.redirectUri,
      scope: SIGN_IN_SCOPE,
      codeChallenge: challenge,
      state,
    });
    return ok({ authorizeUrl, expiresAt });
  }

  /**
   * Takes Microsoft's answer. The state is the only proof of who asked (the session cookie does not come along on
   * a redirect from another site), so it is used up by the first answer, whatever follows. The code is exchanged
   * with the verifier, and the refresh token stored in place of any earlier sign-in, audited as the operator who
   * started it.
   */
  async function complete(
    answer: SignInAnswer,
    requestId: string,
  ): Promise<Result<SignedIn, MicrosoftConnectionError>> {
    const now = deps.clock.now();
    const [request] = await deps.db
      .delete(T)
      .where(eq(T.stateSha256, stateKey(answer.state)))
      .returning();
    if (!request) return err(errors.requestUnknown());
    if (request.expiresAt.getTime() <= now.getTime()) return err(errors.requestExpired(SIGN_IN_MINUTES));
    if (answer.error) return err(errors.declined(answer.error));
    if (!answer.code) return err(errors.noCode());
    const ms = deps.microsoft;
    if (!ms) return err(errors.notConnected());
    if (!(await deps.isOperator(request.requestedBy))) return err(errors.starterNoLongerOperator());
    const verifier = deps.secrets().decrypt(request.codeVerifierSealed);
    if (!verifier.ok) return err(errors.verifierUnreadable(verifier.error.message));

    const redeemed = await ms.signIn.redeemCode({
      code: answer.code,
      codeVerifier: verifier.value,
      redirectUri: deps.redirectUri,
      scope: SIGN_IN_SCOPE,
    });
    if (!redeemed.ok) return err(errors.exchangeFailed(redeemed.error));
    const user = redeemed.value;
    const partnerTenant = await tenantGuid(ms);
    if (!partnerTenant.ok) return err(errors.exchangeFailed(partnerTenant.error));
    if (user.tenantId.toLowerCase() !== partnerTenant.value.toLowerCase())
      return err(errors.wrongTenant(user.tenantId, ms.partnerTenantId));

    const actor: AuditActor = {
      userId: request.requestedBy,
      email: request.requestedByEmail,
      kind: "user",
      requestId,
    };
    const row = {
      id: newId("microsoftSignIn", now),
      refreshTokenSealed: deps.secrets().encrypt(user.refreshToken),
      userPrincipalName: user.userPrincipalName,
      userObjectId: user.objectId,
      tenantId: user.tenantId,
      mfa: user.mfa,
      signedInAt: now,
      signedInBy: request.requestedBy,
      signedInByEmail: request.requestedByEmail,
      refreshedAt: null,
    };
    await deps.db.transaction(async (tx) => {
      await tx
        .insert(microsoftPartnerSignIn)
        .values({ singleton: true, ...row })
        .onConflictDoUpdate({ target: microsoftPartnerSignIn.singleton, set: row });
      await deps.audit.record(tx, actor, {
        orgId: null,
        action: "microsoft_connection.signed_in",
        targetType: TARGET,
        targetId: user.objectId,
        details: { userPrincipalName: user.userPrincipalName, mfa: user.mfa },
      });
    });
    return ok({ userPrincipalName: user.userPrincipalName, mfa: user.mfa });
  }

  /**
   * Forgets the stored sign-in (audited when there was one). Microsoft is not told: to revoke the refresh token
   * itself, revoke the user's sessions in Microsoft Entra ID.
   */
  async function signOut(caller: Caller): Promise<Result<void, MicrosoftConnectionError>> {
    if (!caller.principal.isOperator) return err(errors.forbidden());
    await deps.db.transaction(async (tx) => {
      const [gone] = await tx
        .delete(microsoftPartnerSignIn)
        .where(eq(microsoftPartnerSignIn.singleton, true))
        .returning();
      if (gone)
        await deps.audit.record(tx, caller.actor, {
          orgId: null,
          action: "microsoft_connection.signed_out",
          targetType: TARGET,
          targetId: gone.userObjectId,
          details: { userPrincipalName: gone.userPrincipalName },
        });
    });
    return ok(undefined);
  }

  return { start, complete, signOut };
}
