import { createHash } from "node:crypto";
import { z } from "zod";
import type { Store } from "../state/store.ts";
import type { EmulatorClock } from "../control/clock.ts";
import type { AadFailure } from "./aad-error.ts";
import { newSecret, sha256Hex } from "./secrets.ts";

const AuthorizationCode = z.object({
  codeSha256: z.string(),
  clientId: z.string(),
  redirectUri: z.string(),
  userId: z.string(),
  tenantId: z.string(),
  scope: z.string(),
  codeChallenge: z.string().nullable(),
  nonce: z.string().nullable(),
  issuedAt: z.number(),
  redeemedAt: z.number().nullable(),
});

export type Grant = { userId: string; tenantId: string; scope: string; nonce: string | null };

/** Entra's authorization codes live about 10 minutes. */
const CODE_LIFETIME_MS = 10 * 60_000;
/** Redeemed and expired codes are kept a day so a second redemption is told "already redeemed", not "unknown". */
const KEEP_MS = 86_400_000;

/** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

/** Authorization codes (auth-code flow): one use, ten minutes, bound to client, reply URL and PKCE challenge. */
export function openAuthorizationCodes(store: Store, clock: EmulatorClock) {
  const codes = store.collection("entraAuthorizationCodes", AuthorizationCode);
  return {
    issue(input: Omit<z.infer<typeof AuthorizationCode>, "codeSha256" | "issuedAt" | "redeemedAt">): string {
      const now = clock.now();
      codes.remove((c) => c.issuedAt < now - KEEP_MS);
      const code = newSecret(48);
      codes.add({ ...input, codeSha256: sha256Hex(code), issuedAt: now, redeemedAt: null });
      return code;
    },

    /**
     * Redeems a code. Checks and marking happen without a pause in between, so of two concurrent redemptions
     * exactly one succeeds. A failed PKCE or reply-URL check leaves the code unused.
     */
    redeem(input: {
      code: string;
      clientId: string;
      redirectUri: string | undefined;
      codeVerifier: string | undefined;
    }): { ok: true; grant: Grant } | { ok: false; failure: AadFailure } {
      const now = clock.now();
      const found = codes.find((c) => c.codeSha256 === sha256Hex(input.code));
      const fail = (code: number, description: string, error = "invalid_grant") => ({
        ok: false as const,
        failure: { error, code, description },
      });
      if (!found || found.clientId !== input.clientId)
        return fail(70000, "The provided value for the 'code' parameter is not valid.");
      if (found.redeemedAt !== null)
        return fail(
          54005,
          "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        );
      if (now - found.issuedAt > CODE_LIFETIME_MS)
        return fail(70008, "The provided authorization code or refresh token has expired due to inactivity.");
      if (input.redirectUri !== found.redirectUri)
        return fail(
          500112,
          `The reply address '${input.redirectUri ?? ""}' does not match the reply address '${found.redirectUri}' provided when requesting Authorization code.`,
        );
      if (found.codeChallenge !== null) {
        if (!input.codeVerifier || !/^[A-Za-z0-9\-._~]{43,128}$/.test(input.codeVerifier))
          return fail(
            9002313,
            "Invalid request. Request is malformed or invalid: the code_verifier parameter is missing or not 43 to 128 unreserved characters.",
            "invalid_request",
          );
        if (s256(input.codeVerifier) !== found.codeChallenge)
          return fail(
            50148,
            "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.",
          );
      }
      codes.update(
        (c) => c.codeSha256 === found.codeSha256,
        (c) => ({ ...c, redeemedAt: now }),
      );
      return {
        ok: true,
        grant: { userId: found.userId, tenantId: found.tenantId, scope: found.scope, nonce: found.nonce },
      };
    },
  };
}

export type AuthorizationCodes = ReturnType<typeof openAuthorizationCodes>;
