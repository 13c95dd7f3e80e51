import { z } from "zod";
import type { Store } from "../state/store.ts";
import type { EmulatorClock } from "../control/clock.ts";
import { newSecret, sha256Hex } from "./secrets.ts";

const RefreshToken = z.object({
  tokenSha256: z.string(),
  clientId: z.string(),
  userId: z.string(),
  tenantId: z.string(),
  /** The scopes the user granted, as asked: a refresh without `scope` gets these again. */
  scope: z.string(),
  issuedAt: z.number(),
  expiresAt: z.number(),
});

export type StoredRefreshToken = z.infer<typeof RefreshToken>;

/** Entra's refresh tokens for confidential clients live 90 days (each new one starts its own 90 days). */
export const REFRESH_TOKEN_LIFETIME_MS = 90 * 86_400_000;

/** Expired tokens are kept a while so their holder is told "expired" rather than "unknown". */
const KEEP_EXPIRED_MS = 30 * 86_400_000;

/**
 * Refresh tokens, kept hashed. Redeeming one issues a new one (rotation), but the old one stays valid until it
 * expires, as Microsoft's do; revocation is decided by the caller (user deleted, sessions revoked, app gone).
 */
export function openRefreshTokens(store: Store, clock: EmulatorClock) {
  const tokens = store.collection("entraRefreshTokens", RefreshToken);
  return {
    issue(input: { clientId: string; userId: string; tenantId: string; scope: string }): string {
      const now = clock.now();
      tokens.remove((t) => t.expiresAt <= now - KEEP_EXPIRED_MS);
      const token = `0.${newSecret(64)}`;
      tokens.add({
        ...input,
        tokenSha256: sha256Hex(token),
        issuedAt: now,
        expiresAt: now + REFRESH_TOKEN_LIFETIME_MS,
      });
      return token;
    },
    find: (token: string): StoredRefreshToken | undefined => {
      const hash = sha256Hex(token);
      return tokens.find((t) => t.tokenSha256 === hash);
    },
  };
}

export type RefreshTokens = ReturnType<typeof openRefreshTokens>;
