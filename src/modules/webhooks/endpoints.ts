import { and, count, desc, eq, gt, lt, sql, type SQL } from "drizzle-orm";
import { newId } from "../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../platform/pagination.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { Caller } from "../tenancy/index.ts";
import { inOrg, isOrgAdmin } from "./access.ts";
import type { WebhooksDeps } from "./deps.ts";
import type { EventSubscription, NewWebhook, WebhookChanges } from "./endpoint-input.ts";
import { webhookErrors, type WebhookError } from "./errors.ts";
import { insertEvent } from "./outbox.ts";
import { newSigningSecret } from "./signature.ts";
import { webhookDeliveries, webhookEndpoints } from "./tables.ts";

/** An endpoint as shown: never its secret. */
export type Webhook = {
  id: string;
  orgId: string;
  url: string;
  description: string;
  eventTypes: EventSubscription;
  enabled: boolean;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  secretRolledAt: Date | null;
  /** Until when the secret before the last roll still signs deliveries too. */
  previousSecretExpiresAt: Date | null;
};

/** An endpoint with its signing secret: the answer to creating one and to rolling its secret, and only those. */
export type WebhookWithSecret = Webhook & { secret: string };

export type Delivery = {
  id: string;
  eventId: string;
  eventType: string;
  status: "pending" | "delivered" | "failed" | "cancelled";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
};

type Row = typeof webhookEndpoints.$inferSelect;

const DEFAULT_MAX_ENDPOINTS = 5;
const DEFAULT_KEEP_PREVIOUS_HOURS = 24;

function view(r: Row, now: Date): Webhook {
  const previousLive = r.previousSecretExpiresAt !== null && r.previousSecretExpiresAt > now;
  return {
    id: r.id,
    orgId: r.orgId,
    url: r.url,
    description: r.description,
    eventTypes: r.eventTypes as EventSubscription,
    enabled: r.enabled,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    secretRolledAt: r.secretRolledAt,
    previousSecretExpiresAt: previousLive ? r.previousSecretExpiresAt : null,
  };
}

export function createEndpoints(deps: WebhooksDeps) {
  const { db, clock, audit } = deps;
  const maxEndpoints = deps.maxEndpointsPerOrg ?? DEFAULT_MAX_ENDPOINTS;

  /** The organization as the caller may manage its webhooks: not found outside it (or if it does not exist). */
  async function manageable(caller: Caller, orgId: string): Promise<Result<null, WebhookError>> {
    const p = caller.principal;
    if (!inOrg(p, orgId)) return err(webhookErrors.notFound("organization", orgId));
    if (p.isOperator && !(await deps.organizations.get(caller, orgId)).ok)
      return err(webhookErrors.notFound("organization", orgId));
    if (!isOrgAdmin(p, orgId)) return err(webhookErrors.forbidden());
    return ok(null);
  }

  async function reach(caller: Caller, id: string): Promise<Result<Row, WebhookError>> {
    const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    if (!row || !inOrg(caller.principal, row.orgId)) return err(webhookErrors.notFound("webhook", id));
    if (!isOrgAdmin(caller.principal, row.orgId)) return err(webhookErrors.forbidden());
    return ok(row);
  }

  return {
    async list(caller: Caller, orgId: string, page: Page): Promise<Result<PageOf<Webhook>, WebhookError>> {
      const allowed = await manageable(caller, orgId);
      if (!allowed.ok) return allowed;
      const where: SQL[] = [eq(webhookEndpoints.orgId, orgId)];
      if (page.after !== undefined) where.push(gt(webhookEndpoints.id, page.after));
      const rows = await db
        .select()
        .from(webhookEndpoints)
        .where(and(...where))
        .orderBy(webhookEndpoints.id)
        .limit(page.limit + 1);
      const now = clock.now();
      return ok(
        pageOf(
          rows.map((r) => view(r, now)),
          page.limit,
          (w) => w.id,
        ),
      );
    },

    async create(
      caller: Caller,
      orgId: string,
      input: NewWebhook,
    ): Promise<Result<WebhookWithSecret, WebhookError>> {
      const allowed = await manageable(caller, orgId);
      if (!allowed.ok) return allowed;
      const at = clock.now();
      const secret = newSigningSecret();
      const row: Row = {
        id: newId("webhook", at),
        orgId,
        url: input.url,
        description: input.description ?? "",
        eventTypes: [...input.eventTypes],
        enabled: input.enabled ?? true,
        secretEncrypted: deps.secrets().encrypt(secret),
        previousSecretEncrypted: null,
        previousSecretExpiresAt: null,
        createdBy: caller.actor.userId,
        createdAt: at,
        updatedAt: at,
        secretRolledAt: null,
      };
      const created = await db.transaction(async (tx) => {
        // One creation at a time per organization, so two concurrent requests cannot both pass the limit.
        await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`webhooks:${orgId}`}))`);
        const [existing] = await tx
          .select({ n: count() })
          .from(webhookEndpoints)
          .where(eq(webhookEndpoints.orgId, orgId));
        if ((existing?.n ?? 0) >= maxEndpoints) return false;
        await tx.insert(webhookEndpoints).values(row);
        await audit.record(tx, caller.actor, {
          orgId,
          action: "webhook.created",
          targetType: "webhook",
          targetId: row.id,
          details: { url: row.url, eventTypes: row.eventTypes, enabled: row.enabled },
        });
        return true;
      });
      if (!created) return err(webhookErrors.limit(orgId, maxEndpoints));
      return ok({ ...view(row, at), secret });
    },

    async get(caller: Caller, id: string): Promise<Result<Webhook, WebhookError>> {
      const found = await reach(caller, id);
      return found.ok ? ok(view(found.value, clock.now())) : found;
    },

    /**
     * Changes the given fields. Disabling an endpoint cancels its pending deliveries: a disabled endpoint receives
     * nothing, and enabling it again does not replay what happened meanwhile.
     */
    async update(
      caller: Caller,
      id: string,
      changes: WebhookChanges,
    ): Promise<Result<Webhook, WebhookError>> {
      const found = await reach(caller, id);
      if (!found.ok) return found;
      const at = clock.now();
      const patch = {
        ...(changes.url !== undefined ? { url: changes.url } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.eventTypes !== undefined ? { eventTypes: [...changes.eventTypes] } : {}),
        ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
      };
      const updated = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(webhookEndpoints)
          .set({ ...patch, updatedAt: at })
          .where(eq(webhookEndpoints.id, id))
          .returning();
        let cancelled = 0;
        if (changes.enabled === false)
          cancelled = (
            await tx
              .update(webhookDeliveries)
              .set({ status: "cancelled", nextAttemptAt: null, lastError: "the endpoint was disabled" })
              .where(and(eq(webhookDeliveries.webhookId, id), eq(webhookDeliveries.status, "pending")))
              .returning({ id: webhookDeliveries.id })
          ).length;
        await audit.record(tx, caller.actor, {
          orgId: found.value.orgId,
          action: "webhook.updated",
          targetType: "webhook",
          targetId: id,
          details: { ...patch, ...(cancelled > 0 ? { cancelledDeliveries: cancelled } : {}) },
        });
        return row;
      });
      if (!updated) return err(webhookErrors.notFound("webhook", id));
      return ok(view(updated, at));
    },

    /** Deletes an endpoint with its deliveries; the events it was sent stay in the audit of who deleted it. */
    async remove(caller: Caller, id: string): Promise<Result<null, WebhookError>> {
      const found = await reach(caller, id);
      if (!found.ok) return found;
      await db.transaction(async (tx) => {
        await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id));
        await audit.record(tx, caller.actor, {
          orgId: found.value.orgId,
          action: "webhook.deleted",
          targetType: "webhook",
          targetId: id,
          details: { url: found.value.url },
        });
      });
      return ok(null);
    },

    /**
     * Replaces the signing secret. The previous one keeps signing deliveries too for `keepPreviousForHours`
     * (24 unless given; 0 ends it at once, after a leak), so receivers can switch without refusing events.
     */
    async rollSecret(
      caller: Caller,
      id: string,
      opts: { keepPreviousForHours?: number | undefined } = {},
    ): Promise<Result<WebhookWithSecret, WebhookError>> {
      const found = await reach(caller, id);
      if (!found.ok) return found;
      const at = clock.now();
      const hours = opts.keepPreviousForHours ?? DEFAULT_KEEP_PREVIOUS_HOURS;
      const secret = newSigningSecret();
      const keep = hours > 0;
      const [row] = await db.transaction(async (tx) => {
        const rows = await tx
          .update(webhookEndpoints)
          .set({
            secretEncrypted: deps.secrets().encrypt(secret),
            previousSecretEncrypted: keep ? found.value.secretEncrypted : null,
            previousSecretExpiresAt: keep ? new Date(at.getTime() + hours * 3_600_000) : null,
            secretRolledAt: at,
            updatedAt: at,
          })
          .where(eq(webhookEndpoints.id, id))
          .returning();
        await audit.record(tx, caller.actor, {
          orgId: found.value.orgId,
          action: "webhook.secret_rolled",
          targetType: "webhook",
          targetId: id,
          details: { previousHonouredForHours: hours },
        });
        return rows;
      });
      if (!row) return err(webhookErrors.notFound("webhook", id));
      return ok({ ...view(row, at), secret });
    },

    /** Sends a `webhook.test` event to this endpoint only, whatever it subscribes to, through the usual delivery. */
    async sendTest(
      caller: Caller,
      id: string,
    ): Promise<Result<{ eventId: string; deliveryId: string }, WebhookError>> {
      const found = await reach(caller, id);
      if (!found.ok) return found;
      if (!found.value.enabled) return err(webhookErrors.disabled(id));
      const queued = await db.transaction(async (tx) => {
        const enqueued = await insertEvent(
          tx,
          clock,
          {
            orgId: found.value.orgId,
            type: "webhook.test",
            data: { webhookId: id, message: "A test event sent from Partner Cloud." },
          },
          [id],
        );
        await audit.record(tx, caller.actor, {
          orgId: found.value.orgId,
          action: "webhook.tested",
          targetType: "webhook",
          targetId: id,
          details: { eventId: enqueued.eventId },
        });
        return enqueued;
      });
      const [deliveryId] = queued.deliveryIds;
      if (queued.eventId === null || deliveryId === undefined)
        throw new Error(`webhook ${id}: the test event was not queued`);
      return ok({ eventId: queued.eventId, deliveryId });
    },

    /** The endpoint's deliveries, newest first. */
    async deliveries(
      caller: Caller,
      id: string,
      page: Page,
    ): Promise<Result<PageOf<Delivery>, WebhookError>> {
      const found = await reach(caller, id);
      if (!found.ok) return found;
      const where: SQL[] = [eq(webhookDeliveries.webhookId, id)];
      if (page.after !== undefined) where.push(lt(webhookDeliveries.id, page.after));
      const rows = await db
        .select({
          id: webhookDeliveries.id,
          eventId: webhookDeliveries.eventId,
          eventType: webhookDeliveries.eventType,
          status: webhookDeliveries.status,
          attempts: webhookDeliveries.attempts,
          lastStatusCode: webhookDeliveries.lastStatusCode,
          lastError: webhookDeliveries.lastError,
          lastAttemptAt: webhookDeliveries.lastAttemptAt,
          nextAttemptAt: webhookDeliveries.nextAttemptAt,
          deliveredAt: webhookDeliveries.deliveredAt,
          createdAt: webhookDeliveries.createdAt,
        })
        .from(webhookDeliveries)
        .where(and(...where))
        .orderBy(desc(webhookDeliveries.id))
        .limit(page.limit + 1);
      return ok(pageOf(rows, page.limit, (d) => d.id));
    },
  };
}
