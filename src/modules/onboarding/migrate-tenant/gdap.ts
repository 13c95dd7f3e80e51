/** Our GDAP relationship's display name: unique among the partner's relationships and ours per run (≤ 50 characters). */
export const gdapDisplayName = (runId: string) => `partner-cloud-${runId}`.slice(0, 50);

/**
 * Where the customer's administrator approves a GDAP relationship locked for approval (microsoft-apis.md §B8.3):
 * `{admin center}/AdminPortal/Home#/partners/invitation/granularAdminRelationships/{id}`.
 */
export const gdapApprovalUrl = (adminCenterUrl: string, relationshipId: string) =>
  `${adminCenterUrl.replace(/\/+$/, "")}/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${encodeURIComponent(relationshipId)}`;
