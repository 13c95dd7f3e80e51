import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../platform/db/types.ts";
import type { AuditLog } from "../audit/index.ts";
import { createApiTokens } from "./api-tokens.ts";
import { createAttemptGuard } from "./attempt-guard.ts";
import { createSessions, type Credentials, type SessionPolicy } from "./sessions.ts";

/** Sign-in, server-side sessions and API tokens. Who a user is and what they may do lives in tenancy. */
export function createIdentity(deps: {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  policy: SessionPolicy & { invitationMaxFailures: number };
  credentials: Credentials;
}) {
  return {
    sessions: createSessions(deps),
    tokens: createApiTokens(deps),
    /** Guards invitation links against guessing, per client address. */
    invitationGuard: createAttemptGuard({
      db: deps.db,
      clock: deps.clock,
      kind: "invitation",
      maxFailures: deps.policy.invitationMaxFailures,
      windowMinutes: deps.policy.loginWindowMinutes,
    }),
  };
}

export type Identity = ReturnType<typeof createIdentity>;
export type { SessionInfo, SessionPolicy, Credentials } from "./sessions.ts";
export type { ApiToken } from "./api-tokens.ts";
export { MAX_TOKENS_PER_USER } from "./api-tokens.ts";
export type { IdentityError } from "./errors.ts";
