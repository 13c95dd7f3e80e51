import { createHash, randomBytes } from "node:crypto";

/** RFC 7636 §4.2, S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export const codeChallengeOf = (verifier: string): string =>
  createHash("sha256").update(verifier, "ascii").digest("base64url");

/**
 * A new PKCE pair and `state` for one sign-in: 32 random bytes each, base64url (43 characters, within RFC 7636's
 * 43 to 128 unreserved characters), so neither can be guessed.
 */
export function newSignInSecrets(): { verifier: string; challenge: string; state: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: codeChallengeOf(verifier), state: randomBytes(32).toString("base64url") };
}

/** How a `state` is kept: only its SHA-256, so reading the table does not give a usable answer URL. */
export const stateKey = (state: string): string => createHash("sha256").update(state, "utf8").digest("hex");
