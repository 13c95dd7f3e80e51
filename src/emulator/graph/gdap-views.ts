import type { GdapAssignment, GdapOperation, GdapRelationship, GdapRequest } from "./gdap-store.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const unifiedRoles = (roles: string[]) => ({
  unifiedRoles: roles.map((roleDefinitionId) => ({ roleDefinitionId })),
});

/** delegatedAdminRelationship as Graph returns it (B8.3). */
export const relationshipView = (r: GdapRelationship) => ({
  "@odata.type": "#microsoft.graph.delegatedAdminRelationship",
  "@odata.etag": r.etag,
  id: r.id,
  displayName: r.displayName,
  duration: r.duration,
  status: r.status,
  autoExtendDuration: r.autoExtendDuration,
  createdDateTime: iso(r.createdAt),
  lastModifiedDateTime: iso(r.lastModifiedAt),
  activatedDateTime: iso(r.activatedAt),
  endDateTime: iso(r.endAt),
  customer: { tenantId: r.customerTenantId, displayName: r.customerDisplayName },
  accessDetails: unifiedRoles(r.roles),
});

export const requestView = (q: GdapRequest, status: GdapRequest["status"] = q.status) => ({
  "@odata.type": "#microsoft.graph.delegatedAdminRelationshipRequest",
  id: q.id,
  action: q.action,
  status,
  createdDateTime: iso(q.createdAt),
  lastModifiedDateTime: iso(q.lastModifiedAt),
});

export const assignmentView = (a: GdapAssignment) => ({
  "@odata.type": "#microsoft.graph.delegatedAdminAccessAssignment",
  "@odata.etag": a.etag,
  id: a.id,
  status: a.status,
  createdDateTime: iso(a.createdAt),
  lastModifiedDateTime: iso(a.lastModifiedAt),
  accessContainer: { accessContainerId: a.accessContainerId, accessContainerType: "securityGroup" },
  accessDetails: unifiedRoles(a.roles),
});

export const operationView = (o: GdapOperation) => ({
  "@odata.type": "#microsoft.graph.delegatedAdminRelationshipOperation",
  "@odata.etag": o.etag,
  id: o.id,
  operationType: o.operationType,
  data: o.data,
  status: o.status,
  createdDateTime: iso(o.createdAt),
  lastModifiedDateTime: iso(o.lastModifiedAt),
});
