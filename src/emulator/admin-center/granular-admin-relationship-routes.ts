import type { FastifyInstance, FastifyReply } from "fastify";
import type { EmulatedTenant, EmulatorState } from "../state/emulator-state.ts";
import type { EmulatorClock } from "../control/clock.ts";
import { html, sendPage } from "../entra/html.ts";
import { GDAP_ROLES } from "../graph/gdap-roles.ts";
import {
  APPROVAL_WINDOW_MS,
  durationDays,
  type GdapRelationship,
  type GdapStore,
} from "../graph/gdap-store.ts";
import type { AdminSessions, AdminSignedIn } from "./admin-sessions.ts";
import { GLOBAL_ADMINISTRATOR, signedInAs } from "./admin-page-parts.ts";

const TITLE = "Partner relationship request";

/**
 * The customer's approval of a GDAP relationship: the emulator's
 * `admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/{id}` (B8.3). It shows
 * the partner, the roles by name and the duration; a Global Administrator of the customer tenant the partner
 * named (any tenant when none was named) approves, moving the relationship to activating and then active.
 */
export function granularAdminRelationshipRoutes(
  app: FastifyInstance,
  deps: { state: EmulatorState; clock: EmulatorClock; sessions: AdminSessions; gdap: GdapStore },
) {
  const { state, sessions, gdap } = deps;
  const path = (id: string) => `/admin/granular-admin-relationships/${encodeURIComponent(id)}`;

  const details = (r: GdapRelationship, partner: string) =>
    html`<dl>
        <dt>Partner</dt>
        <dd>${partner}</dd>
        <dt>Relationship</dt>
        <dd>${r.displayName}</dd>
        <dt>Duration</dt>
        <dd>
          ${durationDays(r.duration) ?? r.duration}
          days${r.autoExtendDuration === "P180D" ? ", extended by 180 days at a time unless removed" : ""}
        </dd>
        <dt>Status</dt>
        <dd>${r.status}</dd>
      </dl>
      <h2>Microsoft Entra roles the partner asks for</h2>
      <ul>
        ${r.roles.map((id) => html`<li>${GDAP_ROLES[id] ?? id}</li>`)}
      </ul>`;

  /** Why this user may not approve this relationship now, or undefined when they may. */
  function refusal(
    r: GdapRelationship,
    tenant: EmulatedTenant,
    signedIn: AdminSignedIn,
  ): { status: number; text: string } | undefined {
    if (r.status === "expired")
      return {
        status: 409,
        text: `This request expired on ${new Date((r.lockedAt ?? r.createdAt) + APPROVAL_WINDOW_MS).toUTCString()} (requests must be approved within 90 days) and can no longer be approved. Ask the partner for a new one.`,
      };
    if (r.status === "activating" || r.status === "active")
      return { status: 409, text: "This request was already approved." };
    if (r.status !== "approvalPending")
      return { status: 409, text: `This relationship is ${r.status} and cannot be approved.` };
    if (tenant.id === r.partnerTenantId)
      return {
        status: 403,
        text: "A partner cannot approve its own relationship request. Sign in as the customer's administrator.",
      };
    if (r.customerTenantId && r.customerTenantId !== tenant.id)
      return {
        status: 403,
        text: `This request is for another organization. You're signed in to ${tenant.displayName}.`,
      };
    if (!signedIn.user.roles.includes(GLOBAL_ADMINISTRATOR))
      return {
        status: 403,
        text: `Only a Global Administrator of ${tenant.displayName} can approve this request.`,
      };
    return undefined;
  }

  function load(id: string, signedIn: AdminSignedIn, reply: FastifyReply) {
    const r = gdap.relationship(id);
    if (!r) {
      void sendPage(
        reply,
        404,
        TITLE,
        html`<h1>Request not found</h1>
          <p class="error" role="alert">
            There is no partner relationship request ${id}. Check the link with your partner.
          </p>`,
      );
      return undefined;
    }
    const tenant = state.tenant(signedIn.user.tenantId);
    if (!tenant) throw new Error(`User ${signedIn.user.id} has no tenant.`);
    return { r, tenant, partner: state.tenant(r.partnerTenantId)?.displayName ?? r.partnerTenantId };
  }

  app.get<{ Params: { id: string } }>("/admin/granular-admin-relationships/:id", async (req, reply) => {
    const signedIn = sessions.require(req, reply);
    if (!signedIn) return reply;
    const loaded = load(req.params.id, signedIn, reply);
    if (!loaded) return reply;
    const { r, tenant, partner } = loaded;
    const no = refusal(r, tenant, signedIn);
    const heading = html`<h1>
      ${partner} asks for administrative access to ${r.customerDisplayName ?? tenant.displayName}
    </h1>`;
    if (no)
      return sendPage(
        reply,
        no.status,
        TITLE,
        html`${heading}${details(r, partner)}
          <p class="error" role="alert">${no.text}</p>
          ${signedInAs(signedIn)}`,
      );
    return sendPage(
      reply,
      200,
      TITLE,
      html`${heading}${details(r, partner)}
        <p>
          If you approve, people the partner assigns get these roles in your organization for the duration
          shown. You can end the relationship at any time.
        </p>
        <form method="post" action="${path(r.id)}">
          <input type="hidden" name="csrf" value="${signedIn.csrf}" />
          <div class="actions">
            <button class="primary" type="submit" name="decision" value="approve">Approve</button>
          </div>
        </form>
        ${signedInAs(signedIn)}`,
    );
  });

  app.post<{ Params: { id: string }; Body: Record<string, string> | undefined }>(
    "/admin/granular-admin-relationships/:id",
    async (req, reply) => {
      const signedIn = sessions.current(req);
      if (!signedIn)
        return sendPage(
          reply,
          401,
          TITLE,
          html`<h1>Sign in again</h1>
            <p class="error" role="alert">Your session has ended. Open the request link again.</p>`,
        );
      if (!sessions.csrfMatches(signedIn, req.body?.["csrf"]))
        return sendPage(
          reply,
          403,
          TITLE,
          html`<h1>This form has expired</h1>
            <p class="error" role="alert">Open the request link again and approve from there.</p>`,
        );
      const loaded = load(req.params.id, signedIn, reply);
      if (!loaded) return reply;
      const { r, tenant, partner } = loaded;
      const no = refusal(r, tenant, signedIn);
      if (no)
        return sendPage(
          reply,
          no.status,
          TITLE,
          html`<h1>The request can't be approved</h1>
            <p class="error" role="alert">${no.text}</p>
            ${signedInAs(signedIn)}`,
        );
      const approved = gdap.approve(r.id, { tenantId: tenant.id, displayName: tenant.displayName });
      if (!approved) throw new Error(`Relationship ${r.id} vanished while being approved.`);
      return sendPage(
        reply,
        200,
        TITLE,
        html`<h1>Approved</h1>
          <p role="status">
            ${partner}'s relationship is being activated. It ends on
            ${new Date(approved.endAt ?? 0).toUTCString()}.
          </p>
          ${details(approved, partner)}${signedInAs(signedIn)}`,
      );
    },
  );
}
