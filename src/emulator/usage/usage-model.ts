import {
  daysIn,
  firstDayOf,
  isoDay,
  isoDayTime,
  lastDayOf,
  monthOf,
  startOfDayMs,
  type Month,
} from "./billing-calendar.ts";
import { exchangeRate, exchangeRateDate, PRICING_CURRENCY } from "./exchange-rates.ts";
import { fixed, fromUnits, times, type Fixed } from "./fixed-decimal.ts";
import {
  METERS,
  metersOfResourceType,
  regionByName,
  regionOfCountry,
  unitPriceIn,
  vmComputeMeter,
  type Meter,
} from "./meter-catalog.ts";
import { seededRandom } from "../../platform/seeded-random.ts";
import { seedOf, stableGuid } from "./seeded-random.ts";

/** An ARM resource that meters usage, from the day the billing side first saw it until the day it saw it gone. */
export type UsageResource = {
  id: string;
  type: string;
  location: string;
  tags: Record<string, string>;
  vmSize?: string;
  sinceDay: number;
  /** The first day without usage, or null while it exists. */
  untilDay: number | null;
};

/** Everything the model needs about one Azure subscription of a partner's customer; nothing else is read. */
export type UsageSubject = {
  partner: { tenantId: string; name: string; mpnId: string };
  customer: { tenantId: string; companyName: string; domain: string; country: string };
  subscription: { id: string; displayName: string };
  /** The Partner Center subscription of the customer's Azure plan, which Microsoft bills the usage under. */
  azurePlanId: string;
  /** The first day with usage. */
  sinceDay: number;
  /** How many copies of the base workload (VMs, disks) the subscription runs; a whole number from 1. */
  scale: number;
  billingCurrency: string;
  resources: UsageResource[];
};

/**
 * One daily rated usage line item (Partner Center's 55 columns, §1.2), named as in the v1 JSON
 * (`DailyRatedUsageLineItem`). Amounts are exact: unitPrice 6 decimals, effectiveUnitPrice 8, quantity 6,
 * pricingPreTaxTotal 14, pcToBCExchangeRate 4, billingPreTaxTotal 18 — nothing is rounded on a daily line.
 */
export type UsageRow = {
  /** Stable sort and seek key: customer, subscription, day, meter, resource. Not a Microsoft field. */
  key: string;
  /** The day the row first becomes visible (a day after its usage date, later for late rows). */
  availableOnDay: number;
  usageDay: number;
  partnerId: string;
  partnerName: string;
  customerId: string;
  customerName: string;
  customerDomainName: string;
  customerCountry: string;
  mpnId: string;
  resellerMpnId: string;
  productId: string;
  skuId: string;
  availabilityId: string;
  skuName: string;
  productName: string;
  publisherName: string;
  publisherId: string;
  subscriptionId: string;
  subscriptionDescription: string;
  chargeStartDate: string;
  chargeEndDate: string;
  usageDate: string;
  meterType: string;
  meterCategory: string;
  meterId: string;
  meterSubCategory: string;
  meterName: string;
  meterRegion: string;
  unitOfMeasure: string;
  resourceLocation: string;
  consumedService: string;
  resourceGroup: string;
  resourceUri: string;
  chargeType: string;
  unitPrice: Fixed;
  quantity: Fixed;
  unitType: string;
  billingPreTaxTotal: Fixed;
  billingCurrency: string;
  pricingPreTaxTotal: Fixed;
  pricingCurrency: string;
  serviceInfo1: string;
  serviceInfo2: string;
  tags: string;
  additionalInfo: string;
  effectiveUnitPrice: Fixed;
  pcToBCExchangeRate: Fixed;
  pcToBCExchangeRateDate: string;
  entitlementId: string;
  entitlementDescription: string;
  rateOfPartnerEarnedCredit: Fixed;
  hasPartnerEarnedCredit: boolean;
  rateOfCredit: Fixed;
  creditType: string;
  benefitOrderId: string;
  benefitId: string;
  benefitType: string;
};

/** Partner earned credit for managed services: 15 % on days the partner has admin access (Partner Center, PEC). */
const PEC_RATE = fixed("0.15");
const NO_PEC = fixed("0.00");
const ONE = fixed("1.00");
const QUANTITY_SCALE = 6;

/** The Azure plan (Partner Center subscription) of a customer: one per customer, its id stable. */
export const azurePlanIdOf = (customerTenantId: string) => stableGuid("azure-plan", customerTenantId);

/** Traits of a subscription that do not change from day to day, drawn from its id. */
function traitsOf(subscriptionId: string): Traits {
  const r = seededRandom(seedOf("traits", subscriptionId));
  return {
    /** A dev/test workload: VMs run about 10–12 hours on weekdays and are off at weekends. */
    devWorkload: r() < 0.2,
    storedGb: 50 + Math.floor(r() * 1950),
    trafficGb: 2 + r() * 60,
    operations10K: 1 + r() * 40,
  };
}

/**
 * Days of a month on which the partner lost admin access (no PEC). About one subscription in ten loses it for
 * 3–10 days in a month, so its meters have two PEC segments, as Partner Center's invoice shows them.
 */
function pecLostDays(subscriptionId: string, month: Month): { from: number; to: number } | null {
  const r = seededRandom(seedOf("pec", subscriptionId, month));
  if (r() >= 0.1) return null;
  const from = firstDayOf(month) + Math.floor(r() * daysIn(month));
  return { from, to: from + 3 + Math.floor(r() * 8) };
}

type Traits = { devWorkload: boolean; storedGb: number; trafficGb: number; operations10K: number };

/** What every row of a subscription's day shares, computed once per day (and per month) rather than per row. */
type DayContext = {
  day: number;
  month: Month;
  daysInMonth: number;
  weekend: boolean;
  usageDate: string;
  isoDay: string;
  traits: Traits;
  azurePlanId: string;
  pecEarned: boolean;
  rate: Fixed;
  rateDate: string;
  chargeStartDate: string;
  chargeEndDate: string;
};

type MonthContext = Pick<
  DayContext,
  "month" | "daysInMonth" | "rate" | "rateDate" | "chargeStartDate" | "chargeEndDate"
> & {
  pecLost: { from: number; to: number } | null;
};

function monthContext(subject: UsageSubject, month: Month): MonthContext {
  return {
    month,
    daysInMonth: daysIn(month),
    rate: exchangeRate(month, subject.billingCurrency),
    rateDate: exchangeRateDate(month),
    chargeStartDate: isoDayTime(firstDayOf(month)),
    chargeEndDate: `${isoDay(lastDayOf(month))}T23:59:59Z`,
    pecLost: pecLostDays(subject.subscription.id, month),
  };
}

/** A standard normal draw (Box–Muller). */
function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Micro-units of a generated quantity: quantities are drawn as floats, then fixed at 6 decimals exactly. */
const quantityOf = (value: number): Fixed => fromUnits(BigInt(Math.round(value * 1_000_000)), QUANTITY_SCALE);

type Usage = {
  meter: Meter;
  resourceUri: string;
  resourceGroup: string;
  location: string;
  tags: string;
  count: number;
  firstDay: number;
  vmName?: string;
};

function dailyQuantity(u: Usage, subject: UsageSubject, ctx: DayContext, r: () => number): Fixed {
  const { traits, weekend, month, daysInMonth } = ctx;
  const partialDay = ctx.day === u.firstDay ? 1 + r() * 23 : 24;
  switch (u.meter.quantity) {
    case "computeHours":
      if (traits.devWorkload)
        return weekend ? quantityOf(0) : quantityOf(u.count * Math.min(partialDay, 10 + r() * 2));
      return quantityOf(u.count * partialDay);
    case "hours":
      return quantityOf(partialDay);
    case "monthlyItem":
      // A monthly price is charged a day at a time: quantity 1/days-in-month, truncated to 6 decimals (0.032258).
      return fromUnits((BigInt(u.count) * 1_000_000n) / BigInt(daysInMonth), QUANTITY_SCALE);
    case "storedCapacity": {
      const monthsRunning = Math.max(0, (firstDayOf(month) - subject.sinceDay) / 30);
      const gb = traits.storedGb * (1 + 0.02 * monthsRunning) * (1 + normal(r) * 0.005);
      return quantityOf(gb / daysInMonth);
    }
    case "traffic":
    case "operations": {
      const base = u.meter.quantity === "traffic" ? traits.trafficGb : traits.operations10K;
      const spike = r() < 0.005 ? 10 : 1;
      return quantityOf(base * Math.exp(normal(r) * 0.5) * (weekend ? 0.6 : 1) * spike);
    }
  }
}

/** The base workload every subscription runs, and one or two meters per ARM resource alive on the day. */
function usagesOn(subject: UsageSubject, day: number): Usage[] {
  const sub = subject.subscription.id;
  const region = regionOfCountry(subject.customer.country);
  const group = "rg-workload";
  const vmName = "vm-workload-01";
  const vm = `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${vmName}`;
  const storage = `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/st${sub.replace(/-/g, "").slice(0, 12)}`;
  const tags = JSON.stringify({ environment: "production", costCenter: "CC-100" });
  const base = (meter: Meter, resourceUri: string, count: number): Usage => ({
    meter,
    resourceUri,
    resourceGroup: group,
    location: region.name,
    tags,
    count,
    firstDay: subject.sinceDay,
    vmName,
  });
  const usages = [
    base(vmComputeMeter(undefined), vm, subject.scale),
    base(METERS.managedDisk, `${vm.replace(/virtualMachines\/.*/, "disks/")}${vmName}_OsDisk`, subject.scale),
    base(METERS.blobStored, storage, 1),
    base(METERS.dataTransferOut, vm, 1),
  ];
  for (const res of subject.resources) {
    if (day < res.sinceDay || (res.untilDay !== null && day >= res.untilDay)) continue;
    const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(res.id)?.[1] ?? "";
    for (const meter of metersOfResourceType(res.type, res.vmSize))
      usages.push({
        meter,
        resourceUri: res.id,
        resourceGroup,
        location: res.location,
        tags: JSON.stringify(res.tags),
        count: 1,
        firstDay: res.sinceDay,
        vmName:
          res.type.toLowerCase() === "microsoft.compute/virtualmachines"
            ? res.id.split("/").at(-1)
            : undefined,
      });
  }
  return usages;
}

/** Late arrival: most rows are visible the day after their usage, 7 % one day later and 3 % two days later. */
function lateDaysOf(r: () => number): number {
  const x = r();
  return x < 0.9 ? 0 : x < 0.97 ? 1 : 2;
}

function rowOf(subject: UsageSubject, ctx: DayContext, u: Usage): UsageRow | null {
  const { day } = ctx;
  const r = seededRandom(seedOf("row", subject.subscription.id, String(day), u.meter.key, u.resourceUri));
  const availableOnDay = day + 1 + lateDaysOf(r);
  const quantity = dailyQuantity(u, subject, ctx, r);
  if (quantity.units === 0n) return null;
  const earned = ctx.pecEarned;
  const pec = earned ? PEC_RATE : NO_PEC;
  const region = regionByName(u.location);
  const unitPrice = unitPriceIn(u.meter, region);
  // EffectiveUnitPrice = UnitPrice × (1 − PEC) on eligible days (Partner Center, PEC).
  const effectiveUnitPrice = times(unitPrice, { units: ONE.units - pec.units, scale: 2 });
  const pricingPreTaxTotal = times(quantity, effectiveUnitPrice);
  const rate = ctx.rate;
  const { customer, partner, subscription } = subject;
  return {
    key: [customer.tenantId, subscription.id, ctx.isoDay, u.meter.key, u.resourceUri.toLowerCase()].join("|"),
    availableOnDay,
    usageDay: day,
    partnerId: partner.tenantId,
    partnerName: partner.name,
    customerId: customer.tenantId,
    customerName: customer.companyName,
    customerDomainName: customer.domain,
    customerCountry: customer.country,
    mpnId: partner.mpnId,
    resellerMpnId: "",
    productId: u.meter.productId,
    skuId: u.meter.skuId,
    availabilityId: u.meter.availabilityId,
    skuName: u.meter.skuName,
    productName: u.meter.productName,
    publisherName: "Microsoft",
    publisherId: "",
    subscriptionId: ctx.azurePlanId,
    subscriptionDescription: "Azure plan",
    chargeStartDate: ctx.chargeStartDate,
    chargeEndDate: ctx.chargeEndDate,
    usageDate: ctx.usageDate,
    meterType: "Consumption",
    meterCategory: u.meter.meterCategory,
    meterId: u.meter.meterId,
    meterSubCategory: u.meter.meterSubCategory,
    meterName: u.meter.meterName,
    meterRegion: region.displayName,
    unitOfMeasure: u.meter.unitOfMeasure,
    resourceLocation: region.name,
    consumedService: u.meter.consumedService,
    resourceGroup: u.resourceGroup,
    resourceUri: u.resourceUri,
    chargeType: "new",
    unitPrice,
    quantity,
    unitType: u.meter.unitOfMeasure,
    billingPreTaxTotal: times(pricingPreTaxTotal, rate),
    billingCurrency: subject.billingCurrency,
    pricingPreTaxTotal,
    pricingCurrency: PRICING_CURRENCY,
    serviceInfo1: "",
    serviceInfo2: "",
    tags: u.tags,
    additionalInfo: u.meter.vmSize
      ? JSON.stringify({ ServiceType: u.meter.vmSize, ImageType: "Canonical", VMName: u.vmName ?? "" })
      : "",
    effectiveUnitPrice,
    pcToBCExchangeRate: rate,
    pcToBCExchangeRateDate: ctx.rateDate,
    entitlementId: subscription.id,
    entitlementDescription: subscription.displayName,
    rateOfPartnerEarnedCredit: pec,
    hasPartnerEarnedCredit: earned,
    rateOfCredit: NO_PEC,
    creditType: earned ? "Partner Earned Credit Applied" : "Credit Not Applied",
    benefitOrderId: "",
    benefitId: "",
    benefitType: "",
  };
}

/**
 * Every usage row of a subscription for the days `fromDay`..`toDay` (both included), whether or not it has
 * arrived yet, in key order. Pure and deterministic: the same subject and day always give the same rows, and a day
 * is computed without the days before it, so any window streams in constant memory.
 */
export function* usageFor(subject: UsageSubject, fromDay: number, toDay: number): Generator<UsageRow> {
  const traits = traitsOf(subject.subscription.id);
  const { azurePlanId } = subject;
  let monthly: MonthContext | null = null;
  for (let day = Math.max(fromDay, subject.sinceDay); day <= toDay; day++) {
    const month = monthOf(day);
    if (monthly?.month !== month) monthly = monthContext(subject, month);
    const weekday = new Date(startOfDayMs(day)).getUTCDay();
    const lost = monthly.pecLost;
    const ctx: DayContext = {
      ...monthly,
      day,
      weekend: weekday === 0 || weekday === 6,
      isoDay: isoDay(day),
      usageDate: isoDayTime(day),
      traits,
      azurePlanId,
      pecEarned: !(lost && day >= lost.from && day < lost.to),
    };
    const rows: UsageRow[] = [];
    for (const u of usagesOn(subject, day)) {
      const row = rowOf(subject, ctx, u);
      if (row) rows.push(row);
    }
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    yield* rows;
  }
}

/**
 * The rows of a billing month that have arrived by `asOfMs`: usage up to yesterday, less the late rows still on
 * their way. Late rows take at most two days, so a month's rows have all arrived when it closes on the 8th.
 */
export function* arrivedUsage(
  subject: UsageSubject,
  month: Month,
  asOfMs: number,
  fromDay = firstDayOf(month),
): Generator<UsageRow> {
  const today = Math.floor(asOfMs / 86_400_000);
  const from = Math.max(fromDay, firstDayOf(month));
  for (const row of usageFor(subject, from, Math.min(lastDayOf(month), today - 1)))
    if (row.availableOnDay <= today) yield row;
}
