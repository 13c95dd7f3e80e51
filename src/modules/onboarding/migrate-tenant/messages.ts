import type { InvitationRow } from "./invitations.ts";

/** The page, on the console's own origin, where a tenant's administrator may decline the partner's invitation. */
export const declineUrl = (publicUrl: string, token: string) =>
  `${publicUrl.replace(/\/+$/, "")}/migration-invitations/${encodeURIComponent(token)}`;

/**
 * Why an invitation expired, with the likeliest cause when nobody noticed an acceptance: a primary domain that is
 * not the tenant's (acceptance is recognised by that domain only).
 */
export const expiredMessage = (i: Pick<InvitationRow, "toEmail" | "primaryDomain" | "expiresAt">) =>
  `The invitation sent to ${i.toEmail} expired on ${i.expiresAt.toUTCString()}: no tenant with the primary domain ${i.primaryDomain} accepted it. If the administrator did accept, ${i.primaryDomain} is not that tenant's primary domain (see Microsoft Entra admin center → Overview → Primary domain): delete this provider and create it again with the right domain. Otherwise send the invitation again from the provider's page.`;
