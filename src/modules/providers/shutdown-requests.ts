import { and, eq, gt } from "drizzle-orm";
import { newId } from "../../platform/ids.ts";
import { pageOf, type Page, type PageOf } from "../../platform/pagination.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { Caller } from "../tenancy/index.ts";
import type { ProvidersDeps } from "./deps.ts";
import { providerErrors, type ProviderError } from "./errors.ts";
import { logEvent, type createProviderService } from "./providers.ts";
import { shutdownRequests } from "./tables.ts";

export type ShutdownRequest = typeof shutdownRequests.$inferSelect;

/**
 * Requests to turn an Azure customer account off (product inventory §2.7): deleting a provider does not stop the
 * account or its charges. Stored `open` for the support desk, which routes them; the provider may be deleted
 * before or after.
 */
export function createShutdownRequests(
  deps: ProvidersDeps,
  service: Pick<ReturnType<typeof createProviderService>, "reachForShutdown">,
) {
  const { db, clock } = deps;
  return {
    async request(
      caller: Caller,
      providerId: string,
      input: { reason: string },
    ): Promise<Result<ShutdownRequest, ProviderError>> {
      const found = await service.reachForShutdown(caller, providerId);
      if (!found.ok) return found;
      const provider = found.value;
      const at = clock.now();
      const row: ShutdownRequest = {
        id: newId("shutdownRequest", at),
        providerId,
        orgId: provider.orgId,
        workspaceId: provider.workspaceId,
        requestedBy: caller.actor.userId,
        requesterEmail: caller.principal.email,
        requesterName: caller.principal.name,
        reason: input.reason,
        status: "open",
        createdAt: at,
      };
      await db.transaction(async (tx) => {
        await tx.insert(shutdownRequests).values(row);
        await logEvent(tx, caller.actor, provider, at, {
          event: "shutdown_requested",
          message: `${caller.principal.name} asked the partner to shut the Azure account down (request ${row.id}).`,
        });
        await deps.audit.record(tx, caller.actor, {
          orgId: provider.orgId,
          costCenterId: provider.costCenterId,
          action: "provider.shutdown_requested",
          targetType: "shutdown_request",
          targetId: row.id,
          details: { providerId, reason: input.reason },
        });
      });
      return ok(row);
    },

    /** Every request for the support desk, oldest first: partner operators only. */
    async list(
      caller: Caller,
      filter: { status?: "open" | undefined },
      page: Page,
    ): Promise<Result<PageOf<ShutdownRequest>, ProviderError>> {
      if (!caller.principal.isOperator)
        return err(providerErrors.forbidden("Only partner operators read account shutdown requests."));
      const rows = await db
        .select()
        .from(shutdownRequests)
        .where(
          and(
            filter.status ? eq(shutdownRequests.status, filter.status) : undefined,
            page.after ? gt(shutdownRequests.id, page.after) : undefined,
          ),
        )
        .orderBy(shutdownRequests.id)
        .limit(page.limit + 1);
      return ok(pageOf(rows, page.limit, (r) => r.id));
    },
  };
}
