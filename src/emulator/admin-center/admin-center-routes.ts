import type { FastifyInstance } from "fastify";
import type { EmulatorState } from "../state/emulator-state.ts";
import type { EmulatorClock } from "../control/clock.ts";
import type { EntraSignIn } from "../entra/entra-routes.ts";
import type { GdapStore } from "../graph/gdap-store.ts";
import { adminPortalHomeRoutes } from "./admin-portal-home-routes.ts";
import { adminSessions } from "./admin-sessions.ts";
import { granularAdminRelationshipRoutes } from "./granular-admin-relationship-routes.ts";
import { partnerInvitationRoutes } from "./partner-invitation-routes.ts";
import { openRelationshipDecisions, relationshipDecisionRoutes } from "./relationship-decisions.ts";

/**
 * The customer admin's pages of the Microsoft 365 admin center that partners send links to: the reseller
 * relationship invitation and the GDAP relationship approval, signed in through the emulated Entra ID, and the
 * admin portal's home page where Microsoft's own links start.
 */
export function adminCenterRoutes(
  app: FastifyInstance,
  deps: {
    state: EmulatorState;
    clock: EmulatorClock;
    entra: EntraSignIn;
    gdap: GdapStore;
    baseUrl: () => string;
  },
) {
  const sessions = adminSessions(app, deps);
  const decisions = openRelationshipDecisions(deps.state.store, deps.clock);
  relationshipDecisionRoutes(app, decisions);
  partnerInvitationRoutes(app, { state: deps.state, clock: deps.clock, sessions, decisions });
  granularAdminRelationshipRoutes(app, { state: deps.state, clock: deps.clock, sessions, gdap: deps.gdap });
  adminPortalHomeRoutes(app);
}
