import { z } from "zod";
import type { ApiDeps, App } from "../context.ts";
import { respond } from "../respond.ts";
import { errorResponses, strict } from "../schemas.ts";

const tokenParams = z.object({
  token: z
    .string({ error: "token is required: use the link from the invitation e-mail" })
    .regex(/^[A-Za-z0-9_-]{43}$/, "token must be the one in the invitation link; copy the whole link"),
});

const PublicInvitationSchema = z.object({
  partnerName: z.string(),
  organizationName: z.string(),
  primaryDomain: z.string(),
  to: z.string(),
  state: z.enum(["open", "accepted", "declined", "expired"]),
  expiresAt: z.date(),
});

/**
 * The link in a migration's invitation mail, for the tenant's administrator (no Partner Cloud account): what is
 * asked, and a way to decline it with a reason the organization then reads.
 */
export function migrationInvitationRoutes(app: App, deps: ApiDeps): void {
  const { onboarding } = deps;

  app.get(
    "/api/v1/migration-invitations/:token",
    {
      config: { auth: "public" },
      schema: {
        operationId: "getMigrationInvitation",
        tags: ["onboarding"],
        summary: "A tenant migration's invitation, as its link shows it to the administrator who got it",
        params: tokenParams,
        response: { 200: PublicInvitationSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      void reply.header("cache-control", "no-store");
      return respond(req, reply, await onboarding.migrateTenant.invitation(req.params.token));
    },
  );

  app.post(
    "/api/v1/migration-invitations/:token/decline",
    {
      config: { auth: "public" },
      schema: {
        operationId: "declineMigrationInvitation",
        tags: ["onboarding"],
        summary: "Decline a tenant migration's invitation, optionally saying why",
        params: tokenParams,
        body: strict({
          reason: z.string().trim().max(500, "reason must be at most 500 characters").optional(),
        }),
        response: { 200: PublicInvitationSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        await onboarding.migrateTenant.declineInvitation(req.params.token, req.body.reason || null, req.id),
      ),
  );
}
