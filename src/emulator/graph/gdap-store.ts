import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Store } from "../state/store.ts";
import type { EmulatorClock } from "../control/clock.ts";

const DAY_MS = 86_400_000;
/** A relationship locked for approval and not approved within 90 days expires (GDAP's approval window). */
export const APPROVAL_WINDOW_MS = 90 * DAY_MS;

const Relationship = z.object({
  id: z.string(),
  partnerTenantId: z.string(),
  displayName: z.string(),
  duration: z.string(),
  autoExtendDuration: z.string(),
  customerTenantId: z.string().nullable(),
  customerDisplayName: z.string().nullable(),
  roles: z.array(z.string()),
  status: z.enum([
    "created",
    "approvalPending",
    "activating",
    "active",
    "expired",
    "terminationRequested",
    "terminated",
  ]),
  etag: z.string(),
  createdAt: z.number(),
  lastModifiedAt: z.number(),
  lockedAt: z.number().nullable(),
  activatedAt: z.number().nullable(),
  endAt: z.number().nullable(),
});
const Request = z.object({
  id: z.string(),
  relationshipId: z.string(),
  action: z.enum(["lockForApproval", "approve", "terminate"]),
  status: z.enum(["created", "pending", "succeeded", "failed"]),
  createdAt: z.number(),
  lastModifiedAt: z.number(),
});
const Assignment = z.object({
  id: z.string(),
  relationshipId: z.string(),
  accessContainerId: z.string(),
  roles: z.array(z.string()),
  status: z.enum(["pending", "active", "deleting", "deleted"]),
  etag: z.string(),
  createdAt: z.number(),
  lastModifiedAt: z.number(),
});
const Operation = z.object({
  id: z.string(),
  relationshipId: z.string(),
  operationType: z.literal("delegatedAdminAccessAssignmentUpdate"),
  data: z.string(),
  status: z.enum(["running", "succeeded"]),
  etag: z.string(),
  createdAt: z.number(),
  lastModifiedAt: z.number(),
});

export type GdapRelationship = z.infer<typeof Relationship>;
export type GdapRequest = z.infer<typeof Request>;
export type GdapAssignment = z.infer<typeof Assignment>;
export type GdapOperation = z.infer<typeof Operation>;

/** `P{n}D` or `P{n}Y` in days, or undefined for any other shape. */
export function durationDays(duration: string): number | undefined {
  const m = /^P(\d{1,4})([DY])$/.exec(duration);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === "Y" ? 365 : 1);
}

const newEtag = () => `W/"${Buffer.from(JSON.stringify(randomUUID())).toString("base64")}"`;

/**
 * GDAP relationships, their requests, access assignments and operations (B8.3), in the emulator's store.
 * Microsoft moves a relationship through transient states on its own; the emulator settles them when they are
 * next read: `activating` → `active`, `terminationRequested` → `terminated`, an assignment `pending` → `active`,
 * `deleting` → `deleted`, an operation `running` → `succeeded`. Time rules are applied on read as well: an
 * approvalPending relationship older than 90 days is `expired`, an active one past its end is extended by
 * `autoExtendDuration` when it has one and `expired` otherwise.
 */
export function openGdapStore(store: Store, clock: EmulatorClock) {
  const relationships = store.collection("gdapRelationships", Relationship);
  const requests = store.collection("gdapRelationshipRequests", Request);
  const assignments = store.collection("gdapAccessAssignments", Assignment);
  const operations = store.collection("gdapOperations", Operation);

  function settleRelationship(r: GdapRelationship): GdapRelationship {
    const now = clock.now();
    let next = r;
    if (next.status === "activating") next = { ...next, status: "active" };
    if (next.status === "terminationRequested") next = { ...next, status: "terminated" };
    if (
      next.status === "approvalPending" &&
      next.lockedAt !== null &&
      now >= next.lockedAt + APPROVAL_WINDOW_MS
    )
      next = { ...next, status: "expired" };
    if (next.status === "active" && next.endAt !== null && now >= next.endAt) {
      const extend = durationDays(next.autoExtendDuration) ?? 0;
      if (extend > 0) {
        let endAt = next.endAt;
        while (endAt <= now) endAt += extend * DAY_MS;
        next = { ...next, endAt };
      } else next = { ...next, status: "expired" };
    }
    if (next === r) return r;
    const changed = { ...next, etag: newEtag(), lastModifiedAt: now };
    relationships.update(
      (x) => x.id === r.id,
      () => changed,
    );
    return changed;
  }

  const settleAssignment = (a: GdapAssignment): GdapAssignment => {
    const status = a.status === "pending" ? "active" : a.status === "deleting" ? "deleted" : a.status;
    if (status === a.status) return a;
    const changed = { ...a, status, etag: newEtag(), lastModifiedAt: clock.now() };
    assignments.update(
      (x) => x.id === a.id,
      () => changed,
    );
    return changed;
  };

  const settleOperation = (o: GdapOperation): GdapOperation => {
    if (o.status !== "running") return o;
    const changed = { ...o, status: "succeeded" as const, lastModifiedAt: clock.now() };
    operations.update(
      (x) => x.id === o.id,
      () => changed,
    );
    return changed;
  };

  function recordOperation(a: GdapAssignment) {
    const now = clock.now();
    operations.add({
      id: randomUUID(),
      relationshipId: a.relationshipId,
      operationType: "delegatedAdminAccessAssignmentUpdate",
      data: JSON.stringify({
        id: a.id,
        status: a.status,
        accessContainerId: a.accessContainerId,
        roles: a.roles,
      }),
      status: "running",
      etag: newEtag(),
      createdAt: now,
      lastModifiedAt: now,
    });
  }

  function addRequest(relationshipId: string, action: GdapRequest["action"]): GdapRequest {
    const now = clock.now();
    return requests.add({
      id: randomUUID(),
      relationshipId,
      action,
      status: "succeeded",
      createdAt: now,
      lastModifiedAt: now,
    });
  }

  const change = (id: string, patch: Partial<GdapRelationship>) =>
    relationships.update(
      (x) => x.id === id,
      (x) => ({ ...x, ...patch, etag: newEtag(), lastModifiedAt: clock.now() }),
    );

  return {
    relationship(id: string): GdapRelationship | undefined {
      const r = relationships.find((x) => x.id === id);
      return r ? settleRelationship(r) : undefined;
    },
    relationshipsOf: (partnerTenantId: string) =>
      relationships.filter((x) => x.partnerTenantId === partnerTenantId).map(settleRelationship),
    create(
      input: Pick<
        GdapRelationship,
        | "partnerTenantId"
        | "displayName"
        | "duration"
        | "autoExtendDuration"
        | "customerTenantId"
        | "customerDisplayName"
        | "roles"
      >,
    ): GdapRelationship {
      const now = clock.now();
      return relationships.add({
        ...input,
        id: `${randomUUID()}-${randomUUID()}`,
        status: "created",
        etag: newEtag(),
        createdAt: now,
        lastModifiedAt: now,
        lockedAt: null,
        activatedAt: null,
        endAt: null,
      });
    },
    update: (id: string, patch: Partial<Omit<GdapRelationship, "id" | "partnerTenantId">>) =>
      change(id, patch),
    remove(id: string): void {
      relationships.remove((x) => x.id === id);
    },

    /** `lockForApproval`: created → approvalPending, the start of the customer's 90-day approval window. */
    lockForApproval(id: string): { request: GdapRequest; relationship: GdapRelationship | undefined } {
      const relationship = change(id, { status: "approvalPending", lockedAt: clock.now() });
      return { request: addRequest(id, "lockForApproval"), relationship };
    },
    /**
     * The customer's approval (admin center): approvalPending → approved → activating; `activatedDateTime` now,
     * `endDateTime` = activated + duration, the customer filled in if the partner named none.
     */
    approve(id: string, customer: { tenantId: string; displayName: string }): GdapRelationship | undefined {
      const r = relationships.find((x) => x.id === id);
      if (!r) return undefined;
      const now = clock.now();
      addRequest(id, "approve");
      return change(id, {
        status: "activating",
        activatedAt: now,
        endAt: now + (durationDays(r.duration) ?? 0) * DAY_MS,
        customerTenantId: r.customerTenantId ?? customer.tenantId,
        customerDisplayName: r.customerDisplayName ?? customer.displayName,
      });
    },
    /** `terminate`: active → terminationRequested (then terminated). */
    terminate(id: string): { request: GdapRequest; relationship: GdapRelationship | undefined } {
      const relationship = change(id, { status: "terminationRequested" });
      return { request: addRequest(id, "terminate"), relationship };
    },
    requestsOf: (relationshipId: string) => requests.filter((x) => x.relationshipId === relationshipId),

    assignmentsOf: (relationshipId: string) =>
      assignments.filter((x) => x.relationshipId === relationshipId).map(settleAssignment),
    assignment(relationshipId: string, id: string): GdapAssignment | undefined {
      const a = assignments.find((x) => x.relationshipId === relationshipId && x.id === id);
      return a ? settleAssignment(a) : undefined;
    },
    addAssignment(
      input: Pick<GdapAssignment, "relationshipId" | "accessContainerId" | "roles">,
    ): GdapAssignment {
      const now = clock.now();
      const added = assignments.add({
        ...input,
        id: randomUUID().replace(/-/g, ""),
        status: "pending",
        etag: newEtag(),
        createdAt: now,
        lastModifiedAt: now,
      });
      recordOperation(added);
      return added;
    },
    changeAssignment(
      id: string,
      patch: Pick<GdapAssignment, "roles"> | Pick<GdapAssignment, "status">,
    ): GdapAssignment | undefined {
      const changed = assignments.update(
        (x) => x.id === id,
        (x) => ({
          ...x,
          ...patch,
          status: "status" in patch ? patch.status : "pending",
          etag: newEtag(),
          lastModifiedAt: clock.now(),
        }),
      );
      if (changed) recordOperation(changed);
      return changed;
    },
    operationsOf: (relationshipId: string) =>
      operations.filter((x) => x.relationshipId === relationshipId).map(settleOperation),
  };
}

export type GdapStore = ReturnType<typeof openGdapStore>;
