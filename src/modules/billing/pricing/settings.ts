import { err, ok, type AppError, type Result } from "../../../platform/result.ts";
import type { Caller } from "../../tenancy/index.ts";
import { DEFAULT_LABELS } from "../engine/index.ts";
import { billingSettings } from "../tables.ts";
import { operatorOnly } from "./access.ts";
import type { BillingPricingDeps } from "./deps.ts";
import { pricingErrors } from "./errors.ts";

/**
 * The partner's billing policy. `timing`: `estimate` bills each month at its end from the data so far and
 * reconciles on the next invoice; `arrears` bills a month once Microsoft's billed data makes it final.
 */
export type BillingSettings = {
  label: string;
  splitServices: boolean;
  timing: "estimate" | "arrears";
  /** Null while the defaults apply. */
  updatedBy: string | null;
  updatedAt: Date | null;
};

export type BillingSettingsInput = Pick<BillingSettings, "label" | "splitServices" | "timing">;

const DEFAULTS: BillingSettings = {
  label: DEFAULT_LABELS.usage,
  splitServices: false,
  timing: "estimate",
  updatedBy: null,
  updatedAt: null,
};

export function createBillingSettings(deps: BillingPricingDeps) {
  const { db } = deps;

  async function current(): Promise<BillingSettings> {
    const [row] = await db.select().from(billingSettings);
    return row
      ? {
          label: row.label,
          splitServices: row.splitServices,
          timing: row.timing,
          updatedBy: row.updatedBy,
          updatedAt: row.updatedAt,
        }
      : DEFAULTS;
  }

  return {
    current,

    /** Operators: the whole policy at once. */
    async update(caller: Caller, input: BillingSettingsInput): Promise<Result<BillingSettings, AppError>> {
      const denied = operatorOnly(caller);
      if (denied) return err(denied);
      const label = input.label.trim().replace(/\s+/g, " ");
      if (label.length < 1 || label.length > 100)
        return err(pricingErrors.settingsInvalid("label", "must be 1 to 100 characters of text."));
      const row = {
        singleton: true,
        label,
        splitServices: input.splitServices,
        timing: input.timing,
        updatedBy: caller.principal.userId,
        updatedAt: deps.clock.now(),
      };
      await db.transaction(async (tx) => {
        await tx
          .insert(billingSettings)
          .values(row)
          .onConflictDoUpdate({ target: billingSettings.singleton, set: row });
        await deps.audit.record(tx, caller.actor, {
          orgId: null,
          action: "billing.settings_updated",
          targetType: "billing_settings",
          targetId: null,
          details: { label, splitServices: input.splitServices, timing: input.timing },
        });
      });
      return ok(await current());
    },
  };
}

export type BillingSettingsService = ReturnType<typeof createBillingSettings>;
