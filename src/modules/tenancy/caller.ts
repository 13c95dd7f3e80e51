import type { AuditActor } from "../audit/index.ts";
import type { Principal } from "./principal.ts";

/** The person (or token) behind a command, and how the audit log names them. */
export type Caller = { readonly principal: Principal; readonly actor: AuditActor };
