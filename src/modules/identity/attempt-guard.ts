import { and, count, eq, gt } from "drizzle-orm";
import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../platform/db/types.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import { identityErrors, type IdentityError } from "./errors.ts";
import { failedAttempts } from "./tables.ts";

/**
 * Limits guessing of a secret that arrives without a session (an invitation link): past `maxFailures` failed
 * attempts from one client address within the window, every attempt from it is refused until the window passes.
 * Counts are rows, so the limit holds across processes.
 */
export function createAttemptGuard(deps: {
  db: Db;
  clock: Clock;
  kind: string;
  maxFailures: number;
  windowMinutes: number;
}) {
  const windowStart = () => new Date(deps.clock.now().getTime() - deps.windowMinutes * 60_000);
  return {
    async check(ip: string): Promise<Result<null, IdentityError>> {
      const [n] = await deps.db
        .select({ n: count() })
        .from(failedAttempts)
        .where(
          and(
            eq(failedAttempts.kind, deps.kind),
            eq(failedAttempts.ip, ip),
            gt(failedAttempts.at, windowStart()),
          ),
        );
      return (n?.n ?? 0) >= deps.maxFailures
        ? err(identityErrors.tooManyAttempts(deps.windowMinutes * 60))
        : ok(null);
    },
    async fail(ip: string): Promise<void> {
      await deps.db.insert(failedAttempts).values({ kind: deps.kind, ip, at: deps.clock.now() });
    },
  };
}

export type AttemptGuard = ReturnType<typeof createAttemptGuard>;
