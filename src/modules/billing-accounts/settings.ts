import { eq } from "drizzle-orm";
import { err, ok, type Result } from "../../platform/result.ts";
import type { Caller } from "../tenancy/index.ts";
import { roleNeeded } from "./access.ts";
import type { BillingAccountsDeps } from "./deps.ts";
import { billingAccountErrors, type BillingAccountError } from "./errors.ts";
import { billingAccountSettings } from "./tables.ts";

export type BillingAccountSettings = {
  supportedCountries: string[];
  /** How the partner is named in its terms; null: "the partner". */
  termsDisplayName: string | null;
  updatedAt: Date | null;
};

export const DEFAULT_SUPPORTED_COUNTRIES = ["US", "GB", "CA"];

export function createSettings(deps: BillingAccountsDeps) {
  const { db } = deps;

  async function current(): Promise<BillingAccountSettings> {
    const [row] = await db
      .select()
      .from(billingAccountSettings)
      .where(eq(billingAccountSettings.singleton, true));
    return row
      ? {
          supportedCountries: row.supportedCountries,
          termsDisplayName: row.termsDisplayName,
          updatedAt: row.updatedAt,
        }
      : { supportedCountries: [...DEFAULT_SUPPORTED_COUNTRIES], termsDisplayName: null, updatedAt: null };
  }

  return {
    /** The settings in force, for the module's own rules (no caller: not an API read). */
    current,

    async get(caller: Caller): Promise<Result<BillingAccountSettings, BillingAccountError>> {
      if (!caller.principal.isOperator) return err(billingAccountErrors.forbidden(roleNeeded.operators));
      return ok(await current());
    },

    async update(
      caller: Caller,
      input: { supportedCountries?: string[]; termsDisplayName?: string | null },
    ): Promise<Result<BillingAccountSettings, BillingAccountError>> {
      if (!caller.principal.isOperator) return err(billingAccountErrors.forbidden(roleNeeded.operators));
      const before = await current();
      const next = {
        supportedCountries: [
          ...new Set((input.supportedCountries ?? before.supportedCountries).map((c) => c.toUpperCase())),
        ],
        termsDisplayName:
          input.termsDisplayName === undefined ? before.termsDisplayName : input.termsDisplayName,
      };
      const at = deps.clock.now();
      await db.transaction(async (tx) => {
        const row = { ...next, updatedAt: at, updatedBy: caller.actor.userId };
        await tx
          .insert(billingAccountSettings)
          .values({ singleton: true, ...row })
          .onConflictDoUpdate({ target: billingAccountSettings.singleton, set: row });
        await deps.audit.record(tx, caller.actor, {
          orgId: null,
          action: "billing_account.settings_updated",
          targetType: "partner_settings",
          targetId: null,
          details: {
            from: {
              supportedCountries: before.supportedCountries,
              termsDisplayName: before.termsDisplayName,
            },
            to: next,
          },
        });
      });
      return ok({ ...next, updatedAt: at });
    },
  };
}

export type Settings = ReturnType<typeof createSettings>;
