import { eq } from "drizzle-orm";
import { isUniqueViolation } from "../../platform/db/errors.ts";
import { newId } from "../../platform/ids.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { TenancyDeps } from "./deps.ts";
import { tenancyErrors, type TenancyError } from "./errors.ts";
import { partners, users } from "./tables.ts";

/**
 * First-run setup: the person who starts a new installation names the partner and becomes its first operator.
 * Nothing is seeded with a known password; setup is possible exactly once.
 */
export function createSetup(deps: TenancyDeps) {
  const { db } = deps;
  return {
    async status(): Promise<{ needsSetup: boolean; partnerName: string | null }> {
      const [p] = await db.select().from(partners).where(eq(partners.singleton, true));
      return { needsSetup: !p, partnerName: p?.name ?? null };
    },

    async complete(
      input: { partnerName: string; name: string; email: string; passwordHash: string },
      requestId: string | null,
    ): Promise<Result<{ userId: string }, TenancyError>> {
      const at = deps.clock.now();
      const userId = newId("user", at);
      const email = input.email.toLowerCase();
      try {
        await db.transaction(async (tx) => {
          const partnerId = newId("partner", at);
          await tx.insert(partners).values({ id: partnerId, name: input.partnerName, createdAt: at });
          await tx.insert(users).values({
            id: userId,
            email,
            name: input.name,
            passwordHash: input.passwordHash,
            isOperator: true,
            createdAt: at,
          });
          await deps.audit.record(
            tx,
            { userId, email, kind: "user", requestId },
            {
              orgId: null,
              action: "partner.set_up",
              targetType: "partner",
              targetId: partnerId,
              details: { partnerName: input.partnerName, operatorId: userId },
            },
          );
        });
      } catch (e) {
        if (isUniqueViolation(e)) return err(tenancyErrors.alreadySetUp());
        throw e;
      }
      return ok({ userId });
    },
  };
}
