import { and, eq } from "drizzle-orm";
import type { RefreshTokenStore } from "../../integrations/entra/index.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../platform/db/types.ts";
import type { Logger } from "../../platform/log.ts";
import type { SecretBox } from "../../platform/secrets.ts";
import { microsoftPartnerSignIn } from "./tables.ts";

export type RefreshTokenStoreDeps = {
  readonly db: Db;
  readonly clock: Clock;
  readonly secrets: () => SecretBox;
  readonly log?: Logger;
};

/**
 * The partner administrator's refresh token, kept in the database under the secret box: what the Entra adapter
 * exchanges for app+user tokens. Every process reads it afresh on each exchange, so a new sign-in is used at once
 * everywhere. `rotated` writes Entra's new token only while the sign-in it came from is still the stored one: of
 * two processes rotating at once the last write wins (each token Entra issued stays valid), but a rotation never
 * overwrites a newer sign-in or brings back one that was signed out.
 */
export function createRefreshTokenStore(deps: RefreshTokenStoreDeps): RefreshTokenStore {
  /** The sign-in whose token `current` last returned: the Entra adapter exchanges one token at a time. */
  let readFrom: string | undefined;

  async function current(): Promise<string | undefined> {
    readFrom = undefined;
    const [row] = await deps.db
      .select({ id: microsoftPartnerSignIn.id, sealed: microsoftPartnerSignIn.refreshTokenSealed })
      .from(microsoftPartnerSignIn)
      .where(eq(microsoftPartnerSignIn.singleton, true));
    if (!row) return undefined;
    const opened = deps.secrets().decrypt(row.sealed);
    if (!opened.ok) {
      // Read as "nobody signed in": app+user calls ask for a new sign-in, and the status page says why.
      deps.log?.warn(
        { code: opened.error.code },
        `The partner administrator's sign-in cannot be read: ${opened.error.message}`,
      );
      return undefined;
    }
    readFrom = row.id;
    return opened.value;
  }

  async function rotated(next: string): Promise<void> {
    const signIn = readFrom;
    if (!signIn) return;
    await deps.db
      .update(microsoftPartnerSignIn)
      .set({ refreshTokenSealed: deps.secrets().encrypt(next), refreshedAt: deps.clock.now() })
      .where(and(eq(microsoftPartnerSignIn.singleton, true), eq(microsoftPartnerSignIn.id, signIn)));
  }

  return { current, rotated };
}
