import { eq } from "drizzle-orm";
import { microsoftResources, type EntraError } from "../../integrations/entra/index.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { Caller } from "../tenancy/index.ts";
import type { MicrosoftConnectionDeps } from "./deps.ts";
import { microsoftConnectionErrors as errors, type MicrosoftConnectionError } from "./errors.ts";
import { microsoftPartnerSignIn } from "./tables.ts";

/** The outcome of one live check: it worked, or why not, with the id Microsoft support asks for. */
export type Check =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: string;
      readonly message: string;
      readonly correlationId: string | null;
    };

export type ConnectionStatus = {
  /** False when this installation is not configured for Microsoft: nothing else can work then. */
  readonly connected: boolean;
  readonly partnerTenantId: string | null;
  /** The reply URL to register on the partner's application in Microsoft Entra ID. */
  readonly redirectUri: string;
  /** An app-only token for Partner Center in the partner's tenant (the application's id and secret). */
  readonly appCheck: Check | null;
  readonly signIn: {
    readonly userPrincipalName: string;
    readonly userObjectId: string;
    readonly mfa: boolean;
    readonly signedInAt: Date;
    readonly signedInBy: { readonly userId: string; readonly email: string | null };
    readonly refreshedAt: Date | null;
    /** An app+user token for Partner Center from the stored sign-in, now; null when not connected. */
    readonly refresh: Check | null;
  } | null;
};

const failed = (e: { code: string; message: string }, correlationId: string | null): Check => ({
  ok: false,
  code: e.code,
  message: e.message,
  correlationId,
});

const checked = (r: Result<unknown, EntraError>): Check =>
  r.ok ? { ok: true } : failed(r.error, r.error.details.correlationId || null);

export function createStatus(deps: MicrosoftConnectionDeps) {
  /** The connection as an operator sees it, checked live against Microsoft. */
  return async function status(caller: Caller): Promise<Result<ConnectionStatus, MicrosoftConnectionError>> {
    if (!caller.principal.isOperator) return err(errors.forbidden());
    const ms = deps.microsoft;
    const stored = async () =>
      (
        await deps.db.select().from(microsoftPartnerSignIn).where(eq(microsoftPartnerSignIn.singleton, true))
      )[0];
    const before = await stored();
    const appCheck = ms
      ? checked(await ms.tokens.appToken(ms.partnerTenantId, microsoftResources.partnerCenter))
      : null;
    let refresh: Check | null = null;
    if (before && ms) {
      const opened = deps.secrets().decrypt(before.refreshTokenSealed);
      refresh = opened.ok
        ? checked(await ms.tokens.userToken(microsoftResources.partnerCenter))
        : failed(
            {
              code: opened.error.code,
              message:
                opened.error.code === "secret_key_unknown"
                  ? `The stored sign-in was sealed with key '${opened.error.details.keyId}', which is not in SECRETS_KEYS. Add that key back (after the current one), or sign in again.`
                  : "The stored sign-in does not open with SECRETS_KEYS: it was altered, or a key id now names another key. Sign in again.",
            },
            null,
          );
    }
    // Read again: the refresh check may have stored a rotated token (or someone signed out meanwhile).
    const row = refresh ? await stored() : before;
    return ok({
      connected: ms !== null,
      partnerTenantId: ms?.partnerTenantId ?? null,
      redirectUri: deps.redirectUri,
      appCheck,
      signIn: row
        ? {
            userPrincipalName: row.userPrincipalName,
            userObjectId: row.userObjectId,
            mfa: row.mfa,
            signedInAt: row.signedInAt,
            signedInBy: { userId: row.signedInBy, email: row.signedInByEmail },
            refreshedAt: row.refreshedAt,
            refresh,
          }
        : null,
    });
  };
}
