import { asc, eq, and } from "drizzle-orm";
import { newId } from "../../../platform/ids.ts";
import { err, ok, type AppError, type Result } from "../../../platform/result.ts";
import type { Caller } from "../../tenancy/index.ts";
import { pricePlanOf, type PricePlanInput, type RatingPlan } from "../rating/index.ts";
import { pricePlans } from "../tables.ts";
import { planAccess } from "./access.ts";
import type { BillingPricingDeps } from "./deps.ts";
import { pricingErrors } from "./errors.ts";
import { addMonths, isMonth, monthOf } from "../months.ts";
import { previewPlan, type PlanPreview } from "./preview.ts";
import type { BillingSettingsService } from "./settings.ts";

/** A price plan as shown: `status` says whether it applies now, applied before, or is scheduled. */
export type PricePlan = {
  id: string;
  orgId: string;
  effectiveFrom: string;
  markupPercent: string;
  categoryMarkups: Record<string, string>;
  status: "past" | "current" | "scheduled";
  createdBy: string;
  createdAt: Date;
};

export type NewPricePlan = PricePlanInput & { effectiveFrom: string };

type Row = typeof pricePlans.$inferSelect;

export function createPlans(deps: BillingPricingDeps, settings: BillingSettingsService) {
  const { db } = deps;

  function view(rows: Row[], thisMonth: string): PricePlan[] {
    const current = rows.filter((r) => r.effectiveFrom <= thisMonth).at(-1)?.id;
    return rows.map((r) => ({
      id: r.id,
      orgId: r.orgId,
      effectiveFrom: r.effectiveFrom,
      markupPercent: r.markupPercent,
      categoryMarkups: r.categoryMarkups,
      status: r.id === current ? "current" : r.effectiveFrom > thisMonth ? "scheduled" : "past",
      createdBy: r.createdBy,
      createdAt: r.createdAt,
    }));
  }

  const rowsOf = (orgId: string) =>
    db.select().from(pricePlans).where(eq(pricePlans.orgId, orgId)).orderBy(asc(pricePlans.effectiveFrom));

  return {
    /** The organization's plans, oldest first. */
    async list(caller: Caller, orgId: string): Promise<Result<PricePlan[], AppError>> {
      const denied = await planAccess(deps, caller, orgId);
      if (denied) return err(denied);
      return ok(view(await rowsOf(orgId), monthOf(deps.clock.now())));
    },

    /** The plan a month is rated with (latest effective_from ≤ month; none → 0 %). */
    current: (orgId: string, month: string): Promise<RatingPlan> => deps.rating.planOf(orgId, month),

    /**
     * A plan from a month that has not started yet, so no period that may already be billed is repriced. A plan
     * already scheduled for that month is replaced.
     */
    async create(caller: Caller, orgId: string, input: NewPricePlan): Promise<Result<PricePlan, AppError>> {
      const denied = await planAccess(deps, caller, orgId);
      if (denied) return err(denied);
      if (!isMonth(input.effectiveFrom))
        return err(
          pricingErrors.invalid(
            "effectiveFrom",
            input.effectiveFrom,
            "must be a month written YYYY-MM, e.g. 2027-01.",
          ),
        );
      const now = deps.clock.now();
      const firstAllowed = addMonths(monthOf(now), 1);
      if (input.effectiveFrom < firstAllowed)
        return err(pricingErrors.notFuture(input.effectiveFrom, firstAllowed));
      const built = pricePlanOf(input);
      if (!built.ok) return built;
      const row: Row = {
        id: newId("pricePlan", now),
        orgId,
        effectiveFrom: input.effectiveFrom,
        markupPercent: built.value.normalized.markupPercent,
        categoryMarkups: built.value.normalized.categoryMarkups,
        createdBy: caller.principal.userId,
        createdAt: now,
      };
      await db.transaction(async (tx) => {
        const [replaced] = await tx
          .select({ id: pricePlans.id })
          .from(pricePlans)
          .where(and(eq(pricePlans.orgId, orgId), eq(pricePlans.effectiveFrom, input.effectiveFrom)))
          .for("update");
        await tx
          .insert(pricePlans)
          .values(row)
          .onConflictDoUpdate({
            target: [pricePlans.orgId, pricePlans.effectiveFrom],
            set: {
              id: row.id,
              markupPercent: row.markupPercent,
              categoryMarkups: row.categoryMarkups,
              createdBy: row.createdBy,
              createdAt: row.createdAt,
            },
          });
        await deps.audit.record(tx, caller.actor, {
          orgId,
          action: "billing.price_plan_created",
          targetType: "price_plan",
          targetId: row.id,
          details: {
            effectiveFrom: row.effectiveFrom,
            markupPercent: row.markupPercent,
            categoryMarkups: row.categoryMarkups,
            replaces: replaced?.id ?? null,
          },
        });
      });
      const [created] = view(await rowsOf(orgId), monthOf(now)).filter((p) => p.id === row.id);
      if (!created) throw new Error(`The price plan ${row.id} was written but cannot be read back.`);
      return ok(created);
    },

    /**
     * What the organization's invoices of a month (by default the last complete one) total under the plan that
     * applied and under a proposed one, per billing account. Nothing is written.
     */
    async preview(
      caller: Caller,
      orgId: string,
      input: PricePlanInput & { month?: string },
    ): Promise<Result<PlanPreview, AppError>> {
      const denied = await planAccess(deps, caller, orgId);
      if (denied) return err(denied);
      const month = input.month ?? addMonths(monthOf(deps.clock.now()), -1);
      if (!isMonth(month))
        return err(pricingErrors.invalid("month", month, "must be a month written YYYY-MM, e.g. 2026-10."));
      const proposed = pricePlanOf(input);
      if (!proposed.ok) return proposed;
      return previewPlan(deps, await settings.current(), orgId, month, proposed.value.normalized);
    },
  };
}
