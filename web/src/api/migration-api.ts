import type { HttpClient } from "./http-client.ts";
import type { MigrationView, PublicMigrationInvitation } from "./types.ts";

const invitation = (token: string) => `/migration-invitations/${encodeURIComponent(token)}`;

/** The migration of an existing tenant: the requester's follow-up, and the invitation's public page. */
export function migrationApi(http: HttpClient) {
  return {
    /** Mails the partner's invitation again; after expiry or a decline this re-opens it and the run waits again. */
    resendInvitation: (providerId: string) =>
      http.post<MigrationView>(`/providers/${encodeURIComponent(providerId)}/migration/invitation/resend`),
    /** Keeps one of the tenant's subscriptions out while the migration waits for them; its task is cancelled. */
    leaveOutSubscription: (providerId: string, subscriptionId: string) =>
      http.post<MigrationView>(
        `/providers/${encodeURIComponent(providerId)}/migration/subscriptions/${encodeURIComponent(subscriptionId)}/leave-out`,
      ),
    /** What the invitation link in the e-mail shows, without a session. */
    publicInvitation: (token: string) => http.get<PublicMigrationInvitation>(invitation(token)),
    /** The tenant's administrator declines the partner, with an optional reason the requester reads. */
    declineInvitation: (token: string, reason: string) =>
      http.post<PublicMigrationInvitation>(`${invitation(token)}/decline`, reason ? { reason } : {}),
  };
}
