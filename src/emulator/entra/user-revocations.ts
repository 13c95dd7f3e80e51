import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { EmulatedUser, EmulatorState } from "../state/emulator-state.ts";
import type { EmulatorClock } from "../control/clock.ts";

const Revocation = z.object({
  userId: z.string(),
  kind: z.enum(["deleted", "signInSessionsRevoked"]),
  at: z.number(),
});

/**
 * What Entra does when a user is deleted or an administrator revokes the user's sign-in sessions: every refresh
 * token and sign-in session issued before then stops working. A password change alone does not revoke the refresh
 * tokens of a confidential client (Entra's "refresh tokens" page, token revocation table), so it is not recorded.
 */
export function openUserRevocations(state: EmulatorState, clock: EmulatorClock) {
  const revocations = state.store.collection("entraUserRevocations", Revocation);
  const deleted = (userId: string) => revocations.find((r) => r.userId === userId && r.kind === "deleted");
  return {
    /** The user, unless deleted: who may sign in and redeem grants. */
    activeUser(idOrUpn: string): EmulatedUser | undefined {
      const user = state.user(idOrUpn);
      return user && !deleted(user.id) ? user : undefined;
    },
    /** True while a grant (refresh token, session) issued to the user at `issuedAt` has not been revoked. */
    stillValid: (userId: string, issuedAt: number) =>
      !revocations.find((r) => r.userId === userId && (r.kind === "deleted" || r.at >= issuedAt)),
    record(userId: string, kind: z.infer<typeof Revocation>["kind"]): void {
      revocations.add({ userId, kind, at: clock.now() });
    },
  };
}

export type UserRevocations = ReturnType<typeof openUserRevocations>;

/**
 * Control plane: `DELETE /_emulator/users/{idOrUpn}` deletes a user from Entra's point of view (no more sign-in,
 * refresh tokens revoked); `POST /_emulator/users/{idOrUpn}/revoke-sign-in-sessions` is Graph's
 * revokeSignInSessions. Both answer 204, or 404 for an unknown or already deleted user.
 */
export function userRevocationRoutes(app: FastifyInstance, revocations: UserRevocations) {
  app.delete<{ Params: { user: string } }>("/_emulator/users/:user", async (req, reply) => {
    const user = revocations.activeUser(req.params.user);
    if (!user) return reply.code(404).send({ error: `No user ${req.params.user}.` });
    revocations.record(user.id, "deleted");
    return reply.code(204).send();
  });
  app.post<{ Params: { user: string } }>(
    "/_emulator/users/:user/revoke-sign-in-sessions",
    async (req, reply) => {
      const user = revocations.activeUser(req.params.user);
      if (!user) return reply.code(404).send({ error: `No user ${req.params.user}.` });
      revocations.record(user.id, "signInSessionsRevoked");
      return reply.code(204).send();
    },
  );
}
