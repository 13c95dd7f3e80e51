import { createPublicKey, verify } from "node:crypto";
import type { SigningKey } from "./signing-key.ts";

/**
 * What the emulator's access tokens carry. App-only tokens have `idtyp: "app"`; app+user tokens (from the password,
 * authorization-code or refresh-token grants) have `idtyp: "user"`, the user's `upn`, the delegated `scp` and
 * `amr` (with "mfa", as Partner Center requires of app+user calls).
 */
export type TokenClaims = {
  aud: string;
  tid: string;
  appid: string;
  oid: string;
  exp: number;
  idtyp?: "app" | "user";
  scp?: string;
  upn?: string;
  amr?: string[];
};

/** True for an app+user token: what Partner Center requires for MCA attestation and the reseller link (A5). */
export const isAppPlusUser = (claims: TokenClaims) => claims.idtyp === "user";

/** Checks an emulator-issued bearer token: signature, expiry and audience. Returns the claims or why it failed. */
export function verifyBearer(
  header: string | undefined,
  key: SigningKey,
  audiences: string[],
):
  | { ok: true; claims: TokenClaims }
  | {
      ok: false;
      code:
        | "AuthenticationFailed"
        | "InvalidAuthenticationToken"
        | "InvalidAuthenticationTokenAudience"
        | "ExpiredAuthenticationToken";
      message: string;
    } {
  if (!header?.startsWith("Bearer "))
    return {
      ok: false,
      code: "AuthenticationFailed",
      message: "Authentication failed. The 'Authorization' header is missing.",
    };
  const [head = "", body = "", sig = ""] = header.slice(7).trim().split(".");
  const jwk = key.jwks().keys[0];
  const valid =
    jwk !== undefined &&
    verify(
      "sha256",
      Buffer.from(`${head}.${body}`),
      createPublicKey({ key: jwk, format: "jwk" }),
      Buffer.from(sig, "base64url"),
    );
  if (!valid)
    return { ok: false, code: "InvalidAuthenticationToken", message: "The access token is invalid." };
  const claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TokenClaims;
  if (claims.exp * 1000 <= Date.now())
    return {
      ok: false,
      code: "ExpiredAuthenticationToken",
      message: "The access token expiry UTC time is earlier than current UTC time.",
    };
  if (!audiences.includes(claims.aud.replace(/\/+$/, "")))
    return {
      ok: false,
      code: "InvalidAuthenticationTokenAudience",
      message: `The access token has been obtained for wrong audience or resource '${claims.aud}'. It should exactly match with one of the allowed audiences '${audiences.join("', '")}'.`,
    };
  return { ok: true, claims };
}
