import type { GdapRelationship } from "./gdap-store.ts";

const FIELDS: Record<string, (r: GdapRelationship) => string | null> = {
  status: (r) => r.status,
  "customer/tenantId": (r) => r.customerTenantId,
  displayName: (r) => r.displayName,
};

/**
 * The `$filter` the emulator understands on relationships: `eq` on `status`, `customer/tenantId` or
 * `displayName`, several joined by `and`; string values in single quotes ('' for a quote inside).
 */
export function relationshipFilter(
  filter: string | undefined,
): { ok: true; match: (r: GdapRelationship) => boolean } | { ok: false; message: string } {
  if (!filter?.trim()) return { ok: true, match: () => true };
  const clauses = filter.trim().split(/\s+and\s+/i);
  const tests: ((r: GdapRelationship) => boolean)[] = [];
  for (const clause of clauses) {
    const m = /^\(?\s*([\w/]+)\s+eq\s+'((?:[^']|'')*)'\s*\)?$/.exec(clause.trim());
    const field = m ? FIELDS[m[1] ?? ""] : undefined;
    if (!m || !field)
      return {
        ok: false,
        message: `Invalid $filter '${filter}': only eq on status, customer/tenantId or displayName, joined by and, is supported.`,
      };
    const value = (m[2] ?? "").replace(/''/g, "'");
    tests.push((r) => (field(r) ?? "").toLowerCase() === value.toLowerCase());
  }
  return { ok: true, match: (r) => tests.every((t) => t(r)) };
}
