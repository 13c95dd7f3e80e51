import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { EmulatedCustomer, EmulatedTenant, EmulatorState } from "../state/emulator-state.ts";
import type { EmulatorClock } from "../control/clock.ts";
import { html, sendPage, type SafeHtml } from "../entra/html.ts";
import type { AdminSessions, AdminSignedIn } from "./admin-sessions.ts";
import { GLOBAL_ADMINISTRATOR, signedInAs } from "./admin-page-parts.ts";
import type { RelationshipDecisions } from "./relationship-decisions.ts";

type Invitation = { invType?: string; partnerId?: string; msppId?: string; DAP?: string };

const PAGE = "/admin/partner-invitation";
const TITLE = "Accept partner invitation";

/** What the page knows once the link and the signed-in user are checked. */
type Checked = {
  partner: EmulatedTenant;
  tenant: EmulatedTenant;
  signedIn: AdminSignedIn;
  others: EmulatedCustomer[];
};

/**
 * The customer's side of Partner Center's reseller relationship link (B8.1): the page a customer's admin opens
 * from `GET /v1/customers/relationshiprequests`'s url. A Global Administrator of the signed-in user's tenant
 * accepts (the tenant becomes a customer of the partner, relationship `reseller`, B8.2) or declines; every
 * decision is recorded. A customer may have several CSP partners, so another reseller does not block accepting.
 */
export function partnerInvitationRoutes(
  app: FastifyInstance,
  deps: {
    state: EmulatorState;
    clock: EmulatorClock;
    sessions: AdminSessions;
    decisions: RelationshipDecisions;
  },
) {
  const { state, clock, sessions, decisions } = deps;
  const partnerName = (id: string) => state.tenant(id)?.displayName ?? id;

  const fail = (reply: FastifyReply, status: number, heading: string, text: string | SafeHtml) =>
    sendPage(
      reply,
      status,
      TITLE,
      html`<h1>${heading}</h1>
        <p class="error" role="alert">${text}</p>`,
    );

  /** The checks both the page and its form go through, in order; sends the page that stops, if one does. */
  function check(
    req: FastifyRequest,
    reply: FastifyReply,
    q: Invitation,
    signedIn: AdminSignedIn,
  ): Checked | undefined {
    if (q.invType !== "ResellerRelationship") {
      void fail(
        reply,
        400,
        "This invitation link isn't valid",
        "The link is not a reseller relationship invitation (invType=ResellerRelationship).",
      );
      return undefined;
    }
    const partner = state.tenant(q.partnerId ?? "");
    if (!partner) {
      void fail(
        reply,
        404,
        "This invitation link isn't valid",
        "The partner in this link was not found. Ask your partner for a new link.",
      );
      return undefined;
    }
    const tenant = state.tenant(signedIn.user.tenantId);
    if (!tenant) throw new Error(`User ${signedIn.user.id} has no tenant.`);
    if (tenant.id === partner.id) {
      void fail(
        reply,
        400,
        "This invitation is for a partner's customers",
        html`You're signed in to ${partner.displayName} itself. Sign in with an account of the organization
        that is invited.`,
      );
      return undefined;
    }
    const others = state.partnersOf(tenant.id).filter((c) => c.partnerTenantId !== partner.id);
    return { partner, tenant, signedIn, others };
  }

  const otherPartnersNotice = (others: EmulatedCustomer[]) =>
    others.length
      ? html`<p class="notice">
          Your organization already has ${others.length === 1 ? "a reseller partner" : "reseller partners"}:
          <strong>${others.map((o) => partnerName(o.partnerTenantId)).join(", ")}</strong>. You can still
          accept: an organization may work with several Microsoft partners. Azure subscriptions billed through
          another partner stay with that partner until they are moved.
        </p>`
      : "";

  const alreadyAccepted = (c: Checked) =>
    html`<h1>Already accepted</h1>
      <p role="status">
        ${c.partner.displayName} is already a reseller of Microsoft cloud services for
        ${c.tenant.displayName}. Nothing more is needed.
      </p>
      ${signedInAs(c.signedIn)}`;

  app.get<{ Querystring: Invitation }>(PAGE, async (req, reply) => {
    const signedIn = sessions.require(req, reply);
    if (!signedIn) return reply;
    const c = check(req, reply, req.query, signedIn);
    if (!c) return reply;
    if (state.partnersOf(c.tenant.id).some((x) => x.partnerTenantId === c.partner.id))
      return sendPage(reply, 200, TITLE, alreadyAccepted(c));
    const intro = html`<h1>${c.partner.displayName} invites you to a reseller relationship</h1>
      <p>
        By accepting, you authorize <strong>${c.partner.displayName}</strong> to act as a reseller of
        Microsoft cloud services for <strong>${c.tenant.displayName}</strong>: the partner may buy
        subscriptions for your organization and bills you for them.
      </p>
      ${req.query.DAP === "true" ? html`<p>The link also asks for delegated administration privileges.</p>` : ""}
      ${otherPartnersNotice(c.others)}
      <h2>Terms</h2>
      <p>
        Your organization's use of Microsoft cloud services bought through this partner is governed by the
        Microsoft Customer Agreement. The partner does not get administrative access to your organization by
        this relationship alone.
      </p>`;
    if (!signedIn.user.roles.includes(GLOBAL_ADMINISTRATOR))
      return sendPage(
        reply,
        403,
        TITLE,
        html`${intro}
          <p class="error" role="alert">
            Only a Global Administrator of ${c.tenant.displayName} can accept or decline this invitation. Ask
            one of your Global Administrators to open this link.
          </p>
          ${signedInAs(signedIn)}`,
      );
    return sendPage(
      reply,
      200,
      TITLE,
      html`${intro}
        <form method="post" action="${PAGE}">
          <input type="hidden" name="csrf" value="${signedIn.csrf}" />
          <input type="hidden" name="invType" value="${req.query.invType}" />
          <input type="hidden" name="partnerId" value="${c.partner.id}" />
          <input type="hidden" name="msppId" value="${req.query.msppId ?? "0"}" />
          <input type="hidden" name="DAP" value="${req.query.DAP ?? "false"}" />
          <p>
            <label
              ><input type="checkbox" name="agree" value="yes" /> I agree to the Microsoft Customer Agreement
              on behalf of ${c.tenant.displayName}. (Needed to accept.)</label
            >
          </p>
          <div class="actions">
            <button class="primary" type="submit" name="decision" value="accept">Accept</button>
            <button type="submit" name="decision" value="decline">Decline</button>
          </div>
        </form>
        ${signedInAs(signedIn)}`,
    );
  });

  app.post<{ Body: Record<string, string> | undefined }>(PAGE, async (req, reply) => {
    const signedIn = sessions.current(req);
    if (!signedIn)
      return fail(reply, 401, "Sign in again", "Your session has ended. Open the invitation link again.");
    const form = req.body ?? {};
    if (!sessions.csrfMatches(signedIn, form["csrf"]))
      return fail(
        reply,
        403,
        "This form has expired",
        "Open the invitation link again and repeat your choice.",
      );
    const c = check(req, reply, form, signedIn);
    if (!c) return reply;
    if (!signedIn.user.roles.includes(GLOBAL_ADMINISTRATOR))
      return fail(
        reply,
        403,
        "You can't accept this invitation",
        `Only a Global Administrator of ${c.tenant.displayName} can accept or decline it.`,
      );
    const decision: "accept" | "decline" | undefined =
      form["decision"] === "decline" ? "decline" : form["decision"] === "accept" ? "accept" : undefined;
    if (!decision) return fail(reply, 400, "Choose Accept or Decline", "The form did not say which.");
    if (decision === "accept" && form["agree"] !== "yes")
      return fail(
        reply,
        400,
        "Agree to the terms to accept",
        "Tick the box to agree to the Microsoft Customer Agreement, then accept.",
      );
    const who = {
      customerTenantId: c.tenant.id,
      partnerTenantId: c.partner.id,
      userId: signedIn.user.id,
      userPrincipalName: signedIn.user.userPrincipalName,
      decision,
    };
    // From this check to addCustomer nothing waits, so of many simultaneous accepts exactly one creates the customer.
    if (state.partnersOf(c.tenant.id).some((x) => x.partnerTenantId === c.partner.id)) {
      decisions.record({ ...who, outcome: "alreadyAccepted" });
      return sendPage(reply, 200, TITLE, alreadyAccepted(c));
    }
    if (decision === "decline") {
      decisions.record({ ...who, outcome: "declined" });
      return sendPage(
        reply,
        200,
        TITLE,
        html`<h1>Invitation declined</h1>
          <p role="status">
            You declined ${c.partner.displayName}'s invitation on ${new Date(clock.now()).toUTCString()}.
            ${c.partner.displayName} is not a reseller for ${c.tenant.displayName}. If this was a mistake, ask
            the partner to send the link again.
          </p>
          ${signedInAs(signedIn)}`,
      );
    }
    const sameOrganization = c.others[0]?.billingProfile;
    state.addCustomer({
      id: c.tenant.id,
      commerceId: randomUUID(),
      partnerTenantId: c.partner.id,
      companyName: c.tenant.displayName,
      domain: c.tenant.domain,
      billingProfile: sameOrganization
        ? { ...sameOrganization, id: randomUUID() }
        : {
            id: randomUUID(),
            email: signedIn.user.userPrincipalName,
            culture: "en-US",
            language: "en",
            companyName: c.tenant.displayName,
          },
      relationshipToPartner: "reseller",
      createdAt: clock.nowIso(),
      origin: "invited",
    });
    decisions.record({ ...who, outcome: "accepted" });
    return sendPage(
      reply,
      200,
      TITLE,
      html`<h1>You accepted the invitation</h1>
        <p role="status">
          ${c.partner.displayName} is now a reseller of Microsoft cloud services for ${c.tenant.displayName}.
        </p>
        ${otherPartnersNotice(c.others)}${signedInAs(signedIn)}`,
    );
  });
}
