import { createHash } from "node:crypto";
import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { Clock } from "../../platform/clock.ts";
import type { Db, Executor } from "../../platform/db/types.ts";
import { newId } from "../../platform/ids.ts";
import { auditEvents } from "./tables.ts";

/** Who did it, and under which request. Every state change carries one. */
export type AuditActor = {
  readonly userId: string | null;
  readonly email: string | null;
  readonly kind: "user" | "token" | "system";
  readonly requestId: string | null;
};

export type AuditEntry = {
  readonly orgId: string | null;
  readonly costCenterId?: string | null;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly details?: Record<string, unknown>;
};

export type AuditEvent = {
  id: string;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  actorKind: "user" | "token" | "system";
  orgId: string | null;
  costCenterId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
};

export type AuditQuery = {
  orgId?: string;
  action?: string;
  targetId?: string;
  limit: number;
  /** The seq of the last row of the previous page. */
  before?: number;
};

/** Serializes writers so each record's prevHash is its predecessor's hash, across every process. */
const CHAIN_LOCK = 727_002;

/** JSON with object keys sorted at every depth: jsonb does not keep key order, so the hash must not depend on it. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

function digest(prevHash: string, row: Omit<AuditEvent, "at"> & { at: string }): string {
  const canonical = JSON.stringify([
    prevHash,
    row.id,
    row.at,
    row.actorId,
    row.actorEmail,
    row.actorKind,
    row.orgId,
    row.costCenterId,
    row.action,
    row.targetType,
    row.targetId,
    row.requestId,
    sortedKeys(row.details),
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

export function createAuditLog(deps: { db: Db; clock: Clock }) {
  return {
    /** Appends one record; call it inside the transaction of the change it records. */
    async record(tx: Executor, actor: AuditActor, entry: AuditEntry): Promise<void> {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(${CHAIN_LOCK})`);
      const [last] = await tx
        .select({ hash: auditEvents.hash })
        .from(auditEvents)
        .orderBy(desc(auditEvents.seq))
        .limit(1);
      const prevHash = last?.hash ?? "";
      const at = deps.clock.now();
      const row = {
        id: newId("audit", at),
        actorId: actor.userId,
        actorEmail: actor.email,
        actorKind: actor.kind,
        orgId: entry.orgId,
        costCenterId: entry.costCenterId ?? null,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        requestId: actor.requestId,
        details: entry.details ?? {},
      };
      const hash = digest(prevHash, { ...row, at: at.toISOString() });
      await tx.insert(auditEvents).values({ ...row, at, prevHash, hash });
    },

    async list(q: AuditQuery): Promise<{ items: AuditEvent[]; nextBefore: number | null }> {
      const where: SQL[] = [];
      if (q.orgId !== undefined) where.push(eq(auditEvents.orgId, q.orgId));
      if (q.action !== undefined) where.push(eq(auditEvents.action, q.action));
      if (q.targetId !== undefined) where.push(eq(auditEvents.targetId, q.targetId));
      if (q.before !== undefined) where.push(lt(auditEvents.seq, q.before));
      const rows = await deps.db
        .select()
        .from(auditEvents)
        .where(and(...where))
        .orderBy(desc(auditEvents.seq))
        .limit(q.limit + 1);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(({ seq: _seq, prevHash: _p, hash: _h, ...e }) => e),
        nextBefore: rows.length > q.limit && last ? last.seq : null,
      };
    },

    /** Walks the whole chain; returns the id of the first record whose hash does not match, or null if intact. */
    async verifyChain(): Promise<string | null> {
      const rows = await deps.db.select().from(auditEvents).orderBy(auditEvents.seq);
      let prev = "";
      for (const r of rows) {
        const expected = digest(prev, { ...r, at: r.at.toISOString() });
        if (r.prevHash !== prev || r.hash !== expected) return r.id;
        prev = r.hash;
      }
      return null;
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
