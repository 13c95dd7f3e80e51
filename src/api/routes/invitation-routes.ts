import { z } from "zod";
import { hashPassword } from "../../platform/crypto.ts";
import { toPage } from "../../platform/pagination.ts";
import type { ApiDeps, App } from "../context.ts";
import { sendError } from "../http-errors.ts";
import { callerOf, respond } from "../respond.ts";
import {
  email,
  errorResponses,
  id,
  InvitationSchema,
  orgRole,
  pageOfSchema,
  pageQuery,
  password,
  SessionSchema,
  strict,
  text,
  workspaceRole,
} from "../schemas.ts";
import { createSessionReply } from "../session-reply.ts";
import { orgParams } from "./organization-routes.ts";

const token = z
  .string({ error: "token is required: use the link from the invitation e-mail" })
  .regex(/^pci_[A-Za-z0-9_-]{43}$/, "token must be the one in the invitation link; copy the whole link");

export function invitationRoutes(app: App, deps: ApiDeps): void {
  const { tenancy, identity } = deps;
  const sessionReply = createSessionReply(deps);

  app.get(
    "/api/v1/organizations/:orgId/invitations",
    {
      schema: {
        operationId: "listInvitations",
        tags: ["invitations"],
        summary: "Invitations of an organization (organization administrators)",
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOfSchema(InvitationSchema), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.invitations.list(callerOf(req), req.params.orgId, toPage(req.query))),
  );

  app.post(
    "/api/v1/organizations/:orgId/invitations",
    {
      schema: {
        operationId: "createInvitation",
        tags: ["invitations"],
        summary: "Invite a person by e-mail, optionally into a workspace",
        params: orgParams,
        body: strict({
          email: email(),
          orgRole,
          workspaceId: id("workspace", "workspaceId").optional(),
          workspaceRole: workspaceRole.optional(),
        }),
        response: { 201: InvitationSchema, ...errorResponses, 409: errorResponses[400] },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.invitations.create(callerOf(req), req.params.orgId, req.body), 201),
  );

  app.delete(
    "/api/v1/invitations/:invitationId",
    {
      schema: {
        operationId: "revokeInvitation",
        tags: ["invitations"],
        summary: "Revoke a pending invitation",
        params: z.object({ invitationId: id("invitation", "invitationId") }),
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(req, reply, await tenancy.invitations.revoke(callerOf(req), req.params.invitationId), 204),
  );

  app.get(
    "/api/v1/invitations/preview",
    {
      config: { auth: "public" },
      schema: {
        operationId: "previewInvitation",
        tags: ["invitations"],
        summary: "What an invitation link is for (no sign-in needed)",
        querystring: z.object({ token }),
        response: {
          200: z.object({ organizationName: z.string(), email: z.string(), expiresAt: z.date() }),
          400: errorResponses[400],
          410: errorResponses[400],
          429: errorResponses[400],
        },
      },
    },
    async (req, reply) => {
      const allowed = await identity.invitationGuard.check(req.ip);
      if (!allowed.ok) return sendError(req, reply, allowed.error);
      const found = await tenancy.invitations.preview(req.query.token);
      if (!found.ok) await identity.invitationGuard.fail(req.ip);
      return respond(req, reply, found);
    },
  );

  app.post(
    "/api/v1/invitations/accept",
    {
      config: { auth: "public" },
      schema: {
        operationId: "acceptInvitation",
        tags: ["invitations"],
        summary: "Accept an invitation: creates your account and signs you in",
        body: strict({ token, name: text("name"), password: password() }),
        response: {
          201: SessionSchema,
          400: errorResponses[400],
          410: errorResponses[400],
          429: errorResponses[400],
        },
      },
    },
    async (req, reply) => {
      const allowed = await identity.invitationGuard.check(req.ip);
      if (!allowed.ok) return sendError(req, reply, allowed.error);
      const accepted = await tenancy.invitations.accept(
        req.body.token,
        { name: req.body.name, passwordHash: await hashPassword(req.body.password) },
        req.id,
      );
      if (!accepted.ok) {
        await identity.invitationGuard.fail(req.ip);
        return sendError(req, reply, accepted.error);
      }
      return sessionReply.open(req, reply, accepted.value.userId, "invitation", 201);
    },
  );
}
