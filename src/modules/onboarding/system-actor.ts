import type { AuditActor } from "../audit/index.ts";

/** Who the audit log names for what workflows do on their own, outside anyone's request. */
export const SYSTEM_ACTOR: AuditActor = { userId: null, email: null, kind: "system", requestId: null };
