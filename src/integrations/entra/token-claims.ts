import { z } from "zod";

const Claims = z.object({
  oid: z.string().optional(),
  tid: z.string().optional(),
  appid: z.string().optional(),
  aud: z.string().optional(),
  upn: z.string().optional(),
  /** In id tokens: the user's sign-in name. */
  preferred_username: z.string().optional(),
  /** How the user authenticated: "pwd", "mfa", … */
  amr: z.array(z.string()).optional(),
  idtyp: z.string().optional(),
  exp: z.number().optional(),
});

/** The claims of a token we use ourselves (`oid`: our service principal or the signed-in user; `tid`; `upn`). */
export type TokenClaims = z.infer<typeof Claims>;

/**
 * Reads the claims of an access token Entra ID just issued to us, without checking its signature: it came over TLS
 * from the token endpoint, and the API it is for checks it. Useful to learn our own service principal's object id
 * in a customer's tenant (the `oid` of an app-only token there), or who signed in (an id token's
 * `preferred_username`, an access token's `upn` and `amr`). Undefined when the token is not a JWT.
 */
export function readTokenClaims(accessToken: string): TokenClaims | undefined {
  const payload = accessToken.split(".")[1];
  if (!payload) return undefined;
  try {
    const parsed = Claims.safeParse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
