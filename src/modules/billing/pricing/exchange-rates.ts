import { and, asc, eq, type SQL } from "drizzle-orm";
import { err, ok, type AppError, type Result } from "../../../platform/result.ts";
import type { Caller } from "../../tenancy/index.ts";
import { currencyOf, formatDecimal, normalize, parseDecimal, sign } from "../engine/index.ts";
import { exchangeRates } from "../tables.ts";
import { operatorOnly } from "./access.ts";
import type { BillingPricingDeps } from "./deps.ts";
import { pricingErrors } from "./errors.ts";
import { isMonth } from "../months.ts";

/**
 * The partner's rate from one currency to another for a month: used for that month's usage instead of Microsoft's
 * PCToBCExchangeRate, and where Microsoft billed the customer in another currency than the billing account's.
 */
export type ExchangeRate = {
  from: string;
  to: string;
  month: string;
  rate: string;
  setBy: string;
  setAt: Date;
};

export type ExchangeRateKey = { from: string; to: string; month: string };

/** Twelve decimals are far more than any published rate carries (Microsoft's have six). */
const MAX_RATE_DECIMALS = 12;

function checkKey(key: ExchangeRateKey): Result<ExchangeRateKey, AppError> {
  const from = currencyOf(key.from);
  if (!from.ok)
    return err(
      pricingErrors.exchangeRateInvalid("from", `"${key.from}" is not an ISO 4217 currency code, e.g. USD.`),
    );
  const to = currencyOf(key.to);
  if (!to.ok)
    return err(
      pricingErrors.exchangeRateInvalid("to", `"${key.to}" is not an ISO 4217 currency code, e.g. EUR.`),
    );
  if (from.value.code === to.value.code)
    return err(pricingErrors.exchangeRateInvalid("to", "must be another currency than from."));
  if (!isMonth(key.month))
    return err(pricingErrors.exchangeRateInvalid("month", "must be a month written YYYY-MM, e.g. 2026-10."));
  return ok({ from: from.value.code, to: to.value.code, month: key.month });
}

const whereKey = (k: ExchangeRateKey): SQL | undefined =>
  and(
    eq(exchangeRates.fromCurrency, k.from),
    eq(exchangeRates.toCurrency, k.to),
    eq(exchangeRates.month, k.month),
  );

const view = (r: typeof exchangeRates.$inferSelect): ExchangeRate => ({
  from: r.fromCurrency,
  to: r.toCurrency,
  month: r.month,
  rate: r.rate,
  setBy: r.setBy,
  setAt: r.setAt,
});

export function createExchangeRates(deps: BillingPricingDeps) {
  const { db } = deps;
  return {
    /** Operators: the partner's rates, by month then currencies; one month's when `month` is given. */
    async list(caller: Caller, filter: { month?: string } = {}): Promise<Result<ExchangeRate[], AppError>> {
      const denied = operatorOnly(caller);
      if (denied) return err(denied);
      if (filter.month !== undefined && !isMonth(filter.month))
        return err(
          pricingErrors.exchangeRateInvalid("month", "must be a month written YYYY-MM, e.g. 2026-10."),
        );
      const rows = await db
        .select()
        .from(exchangeRates)
        .where(filter.month ? eq(exchangeRates.month, filter.month) : undefined)
        .orderBy(asc(exchangeRates.month), asc(exchangeRates.fromCurrency), asc(exchangeRates.toCurrency));
      return ok(rows.map(view));
    },

    /** Operators: sets (or replaces) the rate of a month. */
    async set(
      caller: Caller,
      key: ExchangeRateKey,
      rateText: string,
    ): Promise<Result<ExchangeRate, AppError>> {
      const denied = operatorOnly(caller);
      if (denied) return err(denied);
      const checked = checkKey(key);
      if (!checked.ok) return checked;
      const k = checked.value;
      const parsed = /^\s*\+?(\d+(\.\d*)?|\.\d+)\s*$/.test(rateText) ? parseDecimal(rateText) : null;
      if (!parsed || sign(parsed) <= 0)
        return err(
          pricingErrors.exchangeRateInvalid("rate", 'must be a decimal number above 0, e.g. "0.92".'),
        );
      const rate = normalize(parsed);
      if (rate.scale > MAX_RATE_DECIMALS)
        return err(
          pricingErrors.exchangeRateInvalid("rate", `has more than ${MAX_RATE_DECIMALS} decimals: round it.`),
        );
      const row = {
        fromCurrency: k.from,
        toCurrency: k.to,
        month: k.month,
        rate: formatDecimal(rate),
        setBy: caller.principal.userId,
        setAt: deps.clock.now(),
      };
      await db.transaction(async (tx) => {
        const [previous] = await tx.select().from(exchangeRates).where(whereKey(k)).for("update");
        await tx
          .insert(exchangeRates)
          .values(row)
          .onConflictDoUpdate({
            target: [exchangeRates.fromCurrency, exchangeRates.toCurrency, exchangeRates.month],
            set: { rate: row.rate, setBy: row.setBy, setAt: row.setAt },
          });
        await deps.audit.record(tx, caller.actor, {
          orgId: null,
          action: "billing.exchange_rate_set",
          targetType: "exchange_rate",
          targetId: `${k.from}/${k.to}/${k.month}`,
          details: { ...k, rate: row.rate, previousRate: previous?.rate ?? null },
        });
      });
      return ok(view(row));
    },

    /** Operators: removes a month's rate; that month's usage goes back to Microsoft's rate. */
    async remove(caller: Caller, key: ExchangeRateKey): Promise<Result<null, AppError>> {
      const denied = operatorOnly(caller);
      if (denied) return err(denied);
      const checked = checkKey(key);
      if (!checked.ok) return checked;
      const k = checked.value;
      const removed = await db.transaction(async (tx) => {
        const [gone] = await tx.delete(exchangeRates).where(whereKey(k)).returning();
        if (!gone) return null;
        await deps.audit.record(tx, caller.actor, {
          orgId: null,
          action: "billing.exchange_rate_deleted",
          targetType: "exchange_rate",
          targetId: `${k.from}/${k.to}/${k.month}`,
          details: { ...k, rate: gone.rate },
        });
        return gone;
      });
      return removed ? ok(null) : err(pricingErrors.exchangeRateNotFound(k.from, k.to, k.month));
    },
  };
}
