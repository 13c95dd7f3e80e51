import {
  canonical,
  format,
  minorUnits,
  negate,
  plus,
  rescale,
  times,
  ZERO,
  type Fixed,
  type UsageRow,
} from "../usage/index.ts";

/** Exact sums over rows, nothing rounded. */
type Sums = {
  rows: number;
  /** Σ UnitPrice × Quantity, in the pricing currency (USD): the list price. */
  listPrice: Fixed;
  /** Σ EffectiveUnitPrice × Quantity (= Σ PricingPreTaxTotal), USD: what the partner pays Microsoft. */
  partnerCost: Fixed;
  /** Σ BillingPreTaxTotal (= partner cost × PCToBCExchangeRate), in the billing currency. */
  billingTotal: Fixed;
  /** Σ UnitPrice × Quantity × PCToBCExchangeRate, in the billing currency: the list price the customer is billed. */
  listPriceInBillingCurrency: Fixed;
};

const emptySums = (): Sums => ({
  rows: 0,
  listPrice: ZERO,
  partnerCost: ZERO,
  billingTotal: ZERO,
  listPriceInBillingCurrency: ZERO,
});

/** Adds a row to the sums, or takes a replaced row out again (`sign` −1). */
function add(s: Sums, row: UsageRow, sign: 1 | -1): void {
  const list = times(row.unitPrice, row.quantity);
  const listInBilling = times(list, row.pcToBCExchangeRate);
  const partnerCost = times(row.effectiveUnitPrice, row.quantity);
  s.rows += sign;
  s.listPrice = plus(s.listPrice, sign === 1 ? list : negate(list));
  s.partnerCost = plus(s.partnerCost, sign === 1 ? partnerCost : negate(partnerCost));
  s.billingTotal = plus(s.billingTotal, sign === 1 ? row.billingPreTaxTotal : negate(row.billingPreTaxTotal));
  s.listPriceInBillingCurrency = plus(
    s.listPriceInBillingCurrency,
    sign === 1 ? listInBilling : negate(listInBilling),
  );
}

/** How a written row counts: a new row, one that replaces an earlier row with the same natural key, or a copy. */
export type Counted =
  | { as: "new"; row: UsageRow }
  | { as: "replacement"; row: UsageRow; replaces: UsageRow }
  | { as: "copy"; row: UsageRow };

type CustomerTotals = {
  customerId: string;
  customerName: string;
  country: string;
  billingCurrency: string;
  settled: Sums;
  byUsageMonth: Map<string, Sums>;
  asWritten: Sums;
};

/**
 * The expected totals of a generated file, kept as it is written: per customer (one billing currency each), the
 * settled truth (duplicates counted once, each restatement replacing the row it restates, corrections added) in
 * total and per usage month, and the plain sum of every row as written. Memory grows with customers, not rows.
 */
export function goldenTotals() {
  const customers = new Map<string, CustomerTotals>();

  function totalsOf(row: UsageRow): CustomerTotals {
    const known = customers.get(row.customerId);
    if (known) return known;
    const created: CustomerTotals = {
      customerId: row.customerId,
      customerName: row.customerName,
      country: row.customerCountry,
      billingCurrency: row.billingCurrency,
      settled: emptySums(),
      byUsageMonth: new Map(),
      asWritten: emptySums(),
    };
    customers.set(row.customerId, created);
    return created;
  }

  function monthOf(t: CustomerTotals, row: UsageRow): Sums {
    const month = row.usageDate.slice(0, 7);
    const known = t.byUsageMonth.get(month);
    if (known) return known;
    const created = emptySums();
    t.byUsageMonth.set(month, created);
    return created;
  }

  return {
    count(c: Counted): void {
      const t = totalsOf(c.row);
      add(t.asWritten, c.row, 1);
      if (c.as === "copy") return;
      add(t.settled, c.row, 1);
      add(monthOf(t, c.row), c.row, 1);
      if (c.as === "replacement") {
        add(t.settled, c.replaces, -1);
        add(monthOf(t, c.replaces), c.replaces, -1);
      }
    },
    /** The totals as JSON-ready values: exact decimals as text (trailing zeros dropped), rounded ones at their scale. */
    report() {
      const sumsView = (s: Sums, currency: string) => ({
        rows: s.rows,
        listPrice: canonical(s.listPrice),
        partnerCost: canonical(s.partnerCost),
        billingTotal: canonical(s.billingTotal),
        listPriceInBillingCurrency: canonical(s.listPriceInBillingCurrency),
        // Rounded once, half away from zero, to the currency's minor unit (JPY: whole yen): the invoice line at
        // list price, as an invoice rounds it.
        listPriceInBillingCurrencyRounded: format(
          rescale(s.listPriceInBillingCurrency, minorUnits(currency), "halfAwayFromZero"),
        ),
      });
      const byCurrency = new Map<string, Sums & { customers: number }>();
      for (const t of customers.values()) {
        const c = byCurrency.get(t.billingCurrency) ?? { ...emptySums(), customers: 0 };
        c.customers += 1;
        c.rows += t.settled.rows;
        c.listPrice = plus(c.listPrice, t.settled.listPrice);
        c.partnerCost = plus(c.partnerCost, t.settled.partnerCost);
        c.billingTotal = plus(c.billingTotal, t.settled.billingTotal);
        c.listPriceInBillingCurrency = plus(
          c.listPriceInBillingCurrency,
          t.settled.listPriceInBillingCurrency,
        );
        byCurrency.set(t.billingCurrency, c);
      }
      return {
        customers: [...customers.values()].map((t) => ({
          customerId: t.customerId,
          customerName: t.customerName,
          country: t.country,
          billingCurrency: t.billingCurrency,
          minorUnits: minorUnits(t.billingCurrency),
          ...sumsView(t.settled, t.billingCurrency),
          byUsageMonth: Object.fromEntries(
            [...t.byUsageMonth.entries()]
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([month, s]) => [month, sumsView(s, t.billingCurrency)]),
          ),
          asWritten: sumsView(t.asWritten, t.billingCurrency),
        })),
        byCurrency: [...byCurrency.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([currency, s]) => ({
            billingCurrency: currency,
            customers: s.customers,
            ...sumsView(s, currency),
          })),
      };
    },
  };
}

export type GoldenTotals = ReturnType<typeof goldenTotals>;
export type GoldenReport = ReturnType<GoldenTotals["report"]>;
