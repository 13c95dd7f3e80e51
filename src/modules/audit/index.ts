export { createAuditLog } from "./audit-log.ts";
export type { AuditLog, AuditActor, AuditEntry, AuditEvent, AuditQuery } from "./audit-log.ts";
