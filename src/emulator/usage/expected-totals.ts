import { minorUnits } from "./exchange-rates.ts";
import { format, minus, plus, rescale, times, ZERO, type Fixed } from "./fixed-decimal.ts";
import type { UsageRow } from "./usage-model.ts";

/** One line of Partner Center's invoice reconciliation for usage: a subscription × meter × price segment. */
export type ReconLine = {
  customerId: string;
  subscriptionId: string;
  meterId: string;
  effectiveUnitPrice: Fixed;
  pcToBCExchangeRate: Fixed;
  billingCurrency: string;
  billableQuantity: Fixed;
  /** ROUNDDOWN(ROUNDDOWN(EffectiveUnitPrice × BillableQuantity, 2) × PCToBCExchangeRate, 2). */
  subtotal: Fixed;
};

/**
 * Folds daily rows into invoice lines the way Partner Center's reconciliation file shows usage: one line per Azure
 * plan subscription and meter, split when the effective price changes (a PEC segment), its subtotal
 * `ROUNDDOWN(ROUNDDOWN(EffectiveUnitPrice × BillableQuantity, 2) × PCToBCExchangeRate, 2)` ("modern invoice
 * reconciliation file"); a currency without minor units (JPY) rounds the second step to whole units.
 */
export function reconLines(rows: Iterable<UsageRow>): ReconLine[] {
  const lines = new Map<string, Omit<ReconLine, "subtotal">>();
  for (const row of rows) {
    const key = [
      row.customerId,
      row.subscriptionId,
      row.meterId,
      format(row.effectiveUnitPrice),
      format(row.pcToBCExchangeRate),
      row.billingCurrency,
    ].join("|");
    const line = lines.get(key);
    if (line) line.billableQuantity = plus(line.billableQuantity, row.quantity);
    else
      lines.set(key, {
        customerId: row.customerId,
        subscriptionId: row.subscriptionId,
        meterId: row.meterId,
        effectiveUnitPrice: row.effectiveUnitPrice,
        pcToBCExchangeRate: row.pcToBCExchangeRate,
        billingCurrency: row.billingCurrency,
        billableQuantity: row.quantity,
      });
  }
  return [...lines.values()].map((line) => {
    const pricing = rescale(times(line.effectiveUnitPrice, line.billableQuantity), 2, "down");
    const subtotal = rescale(
      times(pricing, line.pcToBCExchangeRate),
      minorUnits(line.billingCurrency),
      "down",
    );
    return { ...line, subtotal };
  });
}

/** What a customer's month of usage adds up to, exactly: the truth a billing engine's results are checked against. */
export type CustomerMonthTotals = {
  customerId: string;
  billingCurrency: string;
  rowCount: number;
  /** Σ UnitPrice × Quantity, USD: the list (retail) cost. */
  listCost: Fixed;
  /** Σ PricingPreTaxTotal, USD: what the partner pays Microsoft, after PEC. */
  partnerCost: Fixed;
  /** listCost − partnerCost: the partner earned credit. */
  partnerEarnedCredit: Fixed;
  /** Σ BillingPreTaxTotal in the billing currency, unrounded. */
  billingPreTaxTotal: Fixed;
  /** Σ of the customer's reconciliation line subtotals: the customer's part of Microsoft's invoice. */
  invoiceSubtotal: Fixed;
};

export function customerMonthTotals(rows: Iterable<UsageRow>): CustomerMonthTotals[] {
  const byCustomer = new Map<string, UsageRow[]>();
  for (const row of rows) {
    const list = byCustomer.get(row.customerId) ?? [];
    list.push(row);
    byCustomer.set(row.customerId, list);
  }
  return [...byCustomer.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([customerId, list]) => {
      let listCost = ZERO;
      let partnerCost = ZERO;
      let billingPreTaxTotal = ZERO;
      for (const row of list) {
        listCost = plus(listCost, times(row.unitPrice, row.quantity));
        partnerCost = plus(partnerCost, row.pricingPreTaxTotal);
        billingPreTaxTotal = plus(billingPreTaxTotal, row.billingPreTaxTotal);
      }
      return {
        customerId,
        billingCurrency: list[0]?.billingCurrency ?? "USD",
        rowCount: list.length,
        listCost,
        partnerCost,
        partnerEarnedCredit: minus(listCost, partnerCost),
        billingPreTaxTotal,
        invoiceSubtotal: invoiceTotal(list),
      };
    });
}

/** An invoice's total: the sum of its reconciliation line subtotals. */
export function invoiceTotal(rows: Iterable<UsageRow>): Fixed {
  let total = ZERO;
  for (const line of reconLines(rows)) total = plus(total, line.subtotal);
  return total;
}
