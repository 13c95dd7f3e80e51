import type { HttpClient } from "./http-client.ts";
import type { AuditEvent, Page } from "./types.ts";

export type AuditQuery = { action?: string; targetId?: string; cursor?: string; limit?: number };

export function auditApi(http: HttpClient) {
  return {
    ofOrganization: (orgId: string, query: AuditQuery) =>
      http.get<Page<AuditEvent>>(`/organizations/${encodeURIComponent(orgId)}/audit-events`, query),
    all: (query: AuditQuery) => http.get<Page<AuditEvent>>("/audit-events", query),
  };
}
