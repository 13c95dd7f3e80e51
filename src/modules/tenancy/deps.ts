import type { Clock } from "../../platform/clock.ts";
import type { Db } from "../../platform/db/types.ts";
import type { AuditLog } from "../audit/index.ts";
import type { Notifications } from "../notifications/index.ts";

export type TenancyDeps = {
  readonly db: Db;
  readonly audit: AuditLog;
  readonly notifications: Notifications;
  readonly clock: Clock;
  readonly publicUrl: string;
  readonly invitationTtlHours: number;
};
