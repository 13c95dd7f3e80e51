import type { FastifyInstance } from "fastify";
import { requireAppPlusUser } from "./agreement-routes.ts";
import { send } from "./pc-answer.ts";
import { partnerOf, type PcContext } from "./pc-context.ts";

/**
 * The reseller relationship request link (B8.1), App+User only. Microsoft's link opens the customer's admin center
 * with `invType=ResellerRelationship&partnerId={partner tenant}&msppId=0&DAP=false`; the emulator's link carries the
 * same query to its own admin-center page.
 */
export function relationshipRoutes(app: FastifyInstance, ctx: PcContext) {
  app.get("/v1/customers/relationshiprequests", async (req, reply) => {
    const refused = requireAppPlusUser(ctx, req);
    if (refused) return send(reply, refused);
    const query = new URLSearchParams({
      invType: "ResellerRelationship",
      partnerId: partnerOf(ctx, req),
      msppId: "0",
      DAP: "false",
    });
    return send(reply, {
      status: 200,
      body: {
        url: `${ctx.baseUrl()}/admin/partner-invitation?${query.toString()}`,
        attributes: { objectType: "RelationshipRequest" },
      },
    });
  });
}
