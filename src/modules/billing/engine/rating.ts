import {
  add,
  formatDecimal,
  fromUnits,
  multiply,
  normalize,
  subtract,
  ZERO,
  type Decimal,
} from "./decimal.ts";
import { serviceClassOf, type ServiceClass } from "./meter-categories.ts";
import { markupPercentOf, priceFactor, type PricePlan } from "./price-plan.ts";
import { roundToMinorUnit } from "./rounding.ts";
import type { UsageLine } from "./usage-csv.ts";

/** The rate a row was converted with, where it came from and the day it was fixed. */
export type ExchangeRate = {
  from: string;
  to: string;
  rate: Decimal;
  /** `microsoft`: Partner Center's PCToBCExchangeRate, fixed once a month the day before the month starts. */
  source: "microsoft";
  date: string;
};

/** One usage row, rated. Nothing is rounded. */
export type RatedLine = {
  /** UnitPrice × Quantity, in the pricing currency: Microsoft's list price, where the customer's price starts. */
  listPrice: Decimal;
  /** EffectiveUnitPrice × Quantity, in the pricing currency: what the partner pays Microsoft (net of PEC). */
  partnerCost: Decimal;
  /** `listPrice` in the billing currency. */
  listPriceBilled: Decimal;
  /** `partnerCost` in the billing currency (Microsoft's BillingPreTaxTotal, unrounded). */
  partnerCostBilled: Decimal;
  markupPercent: Decimal;
  /** `listPriceBilled × (1 + markupPercent / 100)`, in the billing currency. */
  customerPrice: Decimal;
  exchangeRate: ExchangeRate;
  serviceClass: ServiceClass;
};

const exchangeRateOf = (line: UsageLine): ExchangeRate => ({
  from: line.pricingCurrency,
  to: line.billingCurrency,
  rate: line.pcToBCExchangeRate,
  source: "microsoft",
  date: line.pcToBCExchangeRateDate,
});

/**
 * Rates one row. Prices in a daily rated usage file are in the pricing currency (USD for the Azure plan) and
 * Microsoft converts with the row's PCToBCExchangeRate; the customer is billed in the billing currency, so the
 * customer's price is the list price converted at that rate, then marked up.
 */
export function rateLine(line: UsageLine, plan: PricePlan): RatedLine {
  const listPrice = multiply(line.unitPrice, line.quantity);
  const partnerCost = multiply(line.effectiveUnitPrice, line.quantity);
  const listPriceBilled = multiply(listPrice, line.pcToBCExchangeRate);
  const markupPercent = markupPercentOf(plan, line.meterCategory);
  return {
    listPrice,
    partnerCost,
    listPriceBilled,
    partnerCostBilled: multiply(partnerCost, line.pcToBCExchangeRate),
    markupPercent,
    customerPrice: multiply(listPriceBilled, priceFactor(markupPercent)),
    exchangeRate: exchangeRateOf(line),
    serviceClass: serviceClassOf(line.meterCategory),
  };
}

/** Labels of the invoice lines: one for all usage, or one per service class when the invoice splits them. */
export type InvoiceOptions = {
  split?: boolean;
  labels?: { usage?: string; iaas?: string; saas?: string };
};

export const DEFAULT_LABELS = {
  usage: "Integrated Azure Services Usage",
  iaas: "Integrated Microsoft Azure Services IaaS",
  saas: "Integrated Microsoft Azure Services SaaS",
} as const;

export type InvoiceLine = {
  label: string;
  serviceClass: ServiceClass | "all";
  /** The exact sum of the customer prices of its rows. */
  unrounded: Decimal;
  /** `unrounded` rounded once to the billing currency's minor unit (`roundToMinorUnit`). */
  amount: Decimal;
};

/** A customer's usage in one billing currency, rated: totals in the billing currency, exact and unrounded. */
export type CustomerRating = {
  customerId: string;
  customerName: string;
  billingCurrency: string;
  rows: number;
  listPrice: Decimal;
  partnerCost: Decimal;
  customerPrice: Decimal;
  /** customerPrice − partnerCost: what the partner keeps, PEC included. */
  margin: Decimal;
  /** The same list price and cost in each pricing currency the rows were priced in. */
  pricing: { currency: string; listPrice: Decimal; partnerCost: Decimal }[];
  exchangeRates: ExchangeRate[];
  invoiceLines: InvoiceLine[];
};

/**
 * An exact sum of products of different scales, kept per scale so that adding a row costs one BigInt addition;
 * the scales meet only when the sum is read.
 */
type ScaledSum = (bigint | undefined)[];

function addProduct(sum: ScaledSum, units: bigint, scale: number): void {
  const s = sum[scale];
  sum[scale] = s === undefined ? units : s + units;
}

function readSum(sum: ScaledSum): Decimal {
  let total = ZERO;
  sum.forEach((units, scale) => {
    if (units !== undefined) total = add(total, fromUnits(units, scale));
  });
  return total;
}

/** The rows of one meter category under one exchange rate: multiplying by the rate and markup waits for the end. */
type Cell = { markupFactor: Decimal; serviceClass: ServiceClass; list: ScaledSum; cost: ScaledSum };

/** A customer's rows in one billing currency, priced in one currency and converted at one rate. */
type Group = {
  customerId: string;
  customerName: string;
  billingCurrency: string;
  exchangeRate: ExchangeRate;
  rows: number;
  cells: Map<string, Cell>;
};

/**
 * Rates rows as they stream by and folds them into one invoice line per customer and billing currency (or one per
 * service class). Because Σ(price × quantity) × rate × (1 + markup) = Σ(price × quantity × rate × (1 + markup))
 * exactly, a row only adds its two products; the result equals the sum of `rateLine` over the rows, digit for digit,
 * and it is rounded once, at the end.
 */
export function createRating(plan: PricePlan, options: InvoiceOptions = {}) {
  const groups = new Map<string, Group>();
  let last: Group | null = null;
  let lastLine: UsageLine | null = null;

  function groupOf(line: UsageLine): Group {
    const key = [
      line.customerId,
      line.billingCurrency,
      line.pricingCurrency,
      formatDecimal(normalize(line.pcToBCExchangeRate)),
      line.pcToBCExchangeRateDate,
    ].join("\u0000");
    let group = groups.get(key);
    if (!group) {
      group = {
        customerId: line.customerId,
        customerName: line.customerName,
        billingCurrency: line.billingCurrency,
        exchangeRate: exchangeRateOf(line),
        rows: 0,
        cells: new Map(),
      };
      groups.set(key, group);
    }
    return group;
  }

  function sameGroup(a: UsageLine, b: UsageLine): boolean {
    return (
      a.customerId === b.customerId &&
      a.billingCurrency === b.billingCurrency &&
      a.pricingCurrency === b.pricingCurrency &&
      a.pcToBCExchangeRateDate === b.pcToBCExchangeRateDate &&
      a.pcToBCExchangeRate.units === b.pcToBCExchangeRate.units &&
      a.pcToBCExchangeRate.scale === b.pcToBCExchangeRate.scale
    );
  }

  function add(line: UsageLine): void {
    const group = last && lastLine && sameGroup(line, lastLine) ? last : groupOf(line);
    last = group;
    lastLine = line;
    group.rows++;
    if (group.customerName === "") group.customerName = line.customerName;
    let cell = group.cells.get(line.meterCategory);
    if (!cell) {
      cell = {
        markupFactor: priceFactor(markupPercentOf(plan, line.meterCategory)),
        serviceClass: serviceClassOf(line.meterCategory),
        list: [],
        cost: [],
      };
      group.cells.set(line.meterCategory, cell);
    }
    const q = line.quantity;
    addProduct(cell.list, line.unitPrice.units * q.units, line.unitPrice.scale + q.scale);
    addProduct(cell.cost, line.effectiveUnitPrice.units * q.units, line.effectiveUnitPrice.scale + q.scale);
  }

  function result(): CustomerRating[] {
    const byCustomer = new Map<string, Group[]>();
    for (const group of groups.values()) {
      const key = `${group.customerId}\u0000${group.billingCurrency}`;
      byCustomer.set(key, [...(byCustomer.get(key) ?? []), group]);
    }
    return [...byCustomer.values()]
      .map((list) => customerRating(list, options))
      .sort(
        (a, b) =>
          a.customerName.localeCompare(b.customerName) ||
          (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0) ||
          (a.billingCurrency < b.billingCurrency ? -1 : 1),
      );
  }

  /** What has been added so far, as plain data a worker thread can post (Maps, BigInts and arrays clone). */
  function state(): RatingState {
    return [...groups.entries()].map(([key, g]) => ({ key, ...g, cells: [...g.cells.entries()] }));
  }

  /** Adds another rating's rows (of the same plan), as if they had been added here. */
  function merge(other: RatingState): void {
    for (const { key, cells, ...g } of other) {
      let group = groups.get(key);
      if (!group) {
        group = { ...g, rows: 0, cells: new Map() };
        groups.set(key, group);
      }
      group.rows += g.rows;
      if (group.customerName === "") group.customerName = g.customerName;
      for (const [category, cell] of cells) {
        const mine = group.cells.get(category);
        if (!mine) {
          group.cells.set(category, { ...cell, list: [...cell.list], cost: [...cell.cost] });
          continue;
        }
        cell.list.forEach((units, scale) => units !== undefined && addProduct(mine.list, units, scale));
        cell.cost.forEach((units, scale) => units !== undefined && addProduct(mine.cost, units, scale));
      }
    }
    last = null;
    lastLine = null;
  }

  return { add, result, state, merge };
}

export type RatingState = (Omit<Group, "cells"> & { key: string; cells: [string, Cell][] })[];

export type Rating = ReturnType<typeof createRating>;

function customerRating(groups: Group[], options: InvoiceOptions): CustomerRating {
  const first = groups[0];
  if (!first) throw new Error("A customer rating needs at least one group of rows.");
  let listPrice = ZERO;
  let partnerCost = ZERO;
  const byClass: Record<ServiceClass, Decimal | null> = { iaas: null, saas: null };
  const pricing = new Map<string, { currency: string; listPrice: Decimal; partnerCost: Decimal }>();
  for (const group of groups) {
    const rate = group.exchangeRate.rate;
    const priced = pricing.get(group.exchangeRate.from) ?? {
      currency: group.exchangeRate.from,
      listPrice: ZERO,
      partnerCost: ZERO,
    };
    for (const cell of group.cells.values()) {
      const list = readSum(cell.list);
      const cost = readSum(cell.cost);
      priced.listPrice = add(priced.listPrice, list);
      priced.partnerCost = add(priced.partnerCost, cost);
      const listBilled = multiply(list, rate);
      listPrice = add(listPrice, listBilled);
      partnerCost = add(partnerCost, multiply(cost, rate));
      const price = multiply(listBilled, cell.markupFactor);
      byClass[cell.serviceClass] = add(byClass[cell.serviceClass] ?? ZERO, price);
    }
    pricing.set(priced.currency, priced);
  }
  const customerPrice = add(byClass.iaas ?? ZERO, byClass.saas ?? ZERO);
  const currency = first.billingCurrency;
  const labels = { ...DEFAULT_LABELS, ...options.labels };
  const line = (
    label: string,
    serviceClass: InvoiceLine["serviceClass"],
    unrounded: Decimal,
  ): InvoiceLine => ({
    label,
    serviceClass,
    unrounded: normalize(unrounded),
    amount: roundToMinorUnit(unrounded, currency),
  });
  const invoiceLines = options.split
    ? (["iaas", "saas"] as const).flatMap((c) => {
        const total = byClass[c];
        return total ? [line(labels[c], c, total)] : [];
      })
    : [line(labels.usage, "all", customerPrice)];
  return {
    customerId: first.customerId,
    customerName: groups.find((g) => g.customerName !== "")?.customerName ?? "",
    billingCurrency: currency,
    rows: groups.reduce((n, g) => n + g.rows, 0),
    listPrice: normalize(listPrice),
    partnerCost: normalize(partnerCost),
    customerPrice: normalize(customerPrice),
    margin: normalize(subtract(customerPrice, partnerCost)),
    pricing: [...pricing.values()].map((p) => ({
      currency: p.currency,
      listPrice: normalize(p.listPrice),
      partnerCost: normalize(p.partnerCost),
    })),
    exchangeRates: groups.map((g) => g.exchangeRate),
    invoiceLines,
  };
}
