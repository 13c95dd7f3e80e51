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
  type Precision,
  type VmPricing,
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
  /** A VM at the spot price, or with a third-party image's licence; pay as you go when left out. */
  pricing?: VmPricing;
  /** How many units it runs (a database's vCores, a cluster's nodes, 100 RU/s blocks); 1 when left out. */
  count?: number;
  /** How much it stores, sends or handles against the subscription's typical resource; 1 when left out. */
  load?: number;
  sinceDay: number;
  /** The first day without usage, or null while it exists. */
  untilDay: number | null;
};

/** Everything the model needs about one Azure subscription of a partner's customer; nothing else is read. */
export type UsageSubject = {
  partner: { tenantId: string; name: string; mpnId: string };
  /** `resellerMpnId`: the indirect reseller of record (Tier2MpnId), for a customer sold through one. */
  customer: {
    tenantId: string;
    companyName: string;
    domain: string;
    country: string;
    resellerMpnId?: string;
  };
  subscription: { id: string; displayName: string };
  /** The Partner Center subscription of the customer's Azure plan, which Microsoft bills the usage under. */
  azurePlanId: string;
  /** The first day with usage. */
  sinceDay: number;
  /** How many copies of the base workload (VMs, disks) the subscription runs; a whole number from 1. */
  scale: number;
  billingCurrency: string;
  resources: UsageResource[];
  /** The first day without usage (the Azure plan cancelled, the customer gone to another partner). */
  untilDay?: number;
  /** Whether it runs the base workload besides its resources; the emulator's subscriptions do (the default). */
  baseWorkload?: boolean;
  /** The chance that the partner loses admin access (PEC) for some days of a given month; 0.1 by default. */
  pecLossShare?: number;
  /** Azure credit covers all its usage (CreditPercentage 100, nothing to pay). */
  azureCredit?: boolean;
  /** A savings plan that covers most of its VMs' pay-as-you-go compute hours (the benefit's ids on those rows). */
  savingsPlan?: { benefitOrderId: string; benefitId: string };
  /** How exactly prices and quantities are written; `catalog` (the emulator's API) by default. */
  precision?: Precision;
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
const NOTHING_TO_PAY = fixed("0.00");
/** CreditPercentage 100: Azure credit pays the whole line. */
const FULL_CREDIT = fixed("1.00");
const CATALOG_QUANTITY_SCALE = 6;

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
function pecLostDays(
  subscriptionId: string,
  month: Month,
  share: number,
): { from: number; to: number } | null {
  const r = seededRandom(seedOf("pec", subscriptionId, month));
  if (r() >= share) return null;
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
    pecLost: pecLostDays(subject.subscription.id, month, subject.pecLossShare ?? 0.1),
  };
}

/** A standard normal draw (Box–Muller). */
function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** A generated quantity, drawn as a float, then fixed at `decimals` decimals exactly. */
const quantityOf = (value: number, decimals: number): Fixed =>
  fromUnits(BigInt(Math.round(value * 10 ** decimals)), decimals);

type Usage = {
  meter: Meter;
  /** The end of the row's key: `|meter|resource` (lower case). */
  keySuffix: string;
  resourceUri: string;
  resourceGroup: string;
  location: string;
  tags: string;
  count: number;
  load: number;
  firstDay: number;
  vmName?: string;
};

function dailyQuantity(
  u: Usage,
  subject: UsageSubject,
  ctx: DayContext,
  r: () => number,
  decimals: number,
): Fixed {
  const { traits, weekend, month, daysInMonth } = ctx;
  const q = (value: number) => quantityOf(value, decimals);
  const partialDay = ctx.day === u.firstDay ? 1 + r() * 23 : 24;
  switch (u.meter.quantity) {
    case "computeHours":
      if (traits.devWorkload) return weekend ? q(0) : q(u.count * Math.min(partialDay, 10 + r() * 2));
      return q(u.count * partialDay);
    case "hours":
      return q(u.count * partialDay);
    case "monthlyItem":
      // A monthly price is charged a day at a time: quantity 1/days-in-month, truncated (0.032258 at 6 decimals).
      return fromUnits((BigInt(u.count) * 10n ** BigInt(decimals)) / BigInt(daysInMonth), decimals);
    case "storedCapacity": {
      const monthsRunning = Math.max(0, (firstDayOf(month) - subject.sinceDay) / 30);
      const gb = traits.storedGb * u.load * (1 + 0.02 * monthsRunning) * (1 + normal(r) * 0.005);
      return q(gb / daysInMonth);
    }
    case "traffic":
    case "operations": {
      const base = (u.meter.quantity === "traffic" ? traits.trafficGb : traits.operations10K) * u.load;
      const spike = r() < 0.005 ? 10 : 1;
      return q(base * Math.exp(normal(r) * 0.5) * (weekend ? 0.6 : 1) * spike);
    }
    case "bursty": {
      const spike = r() < 0.005 ? 10 : 1;
      const median = (u.meter.dailyMedian ?? 1) * u.load;
      return q(median * Math.exp(normal(r) * 0.8) * (weekend ? 0.7 : 1) * spike);
    }
  }
}

/**
 * At `partnerCenter` precision, the odd values real files carry: 0.3 % of rows with quantity 0, a tiny 1e-9 on
 * finely measured meters, and a huge day of a billion storage operations. Null: the drawn quantity stands.
 */
function oddQuantity(meter: Meter, r: () => number): Fixed | null {
  const x = r();
  const decimals = meter.quantityDecimals;
  if (x < 0.003) return fromUnits(0n, decimals);
  if (x < 0.004 && decimals >= 9) return fromUnits(10n ** BigInt(decimals - 9), decimals);
  if (x < 0.005 && meter.quantity === "operations")
    return fromUnits(100_000n * 10n ** BigInt(decimals), decimals);
  return null;
}

/** The base workload (unless left out), and one to three meters per ARM resource alive on the day. */
function usagesOn(subject: UsageSubject, day: number): Usage[] {
  if (subject.baseWorkload === false) return resourceUsages(subject, day, []);
  const sub = subject.subscription.id;
  const region = regionOfCountry(subject.customer.country);
  const group = "rg-workload";
  const vmName = "vm-workload-01";
  const vm = `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${vmName}`;
  const storage = `/subscriptions/${sub}/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/st${sub.replace(/-/g, "").slice(0, 12)}`;
  const tags = JSON.stringify({ environment: "production", costCenter: "CC-100" });
  const base = (meter: Meter, resourceUri: string, count: number): Usage => ({
    meter,
    keySuffix: `|${meter.key}|${resourceUri.toLowerCase()}`,
    resourceUri,
    resourceGroup: group,
    location: region.name,
    tags,
    count,
    load: 1,
    firstDay: subject.sinceDay,
    vmName,
  });
  const usages = [
    base(vmComputeMeter(undefined), vm, subject.scale),
    base(METERS.managedDisk, `${vm.replace(/virtualMachines\/.*/, "disks/")}${vmName}_OsDisk`, subject.scale),
    base(METERS.blobStored, storage, 1),
    base(METERS.dataTransferOut, vm, 1),
  ];
  return resourceUsages(subject, day, usages);
}

/**
 * What a resource meters, worked out once per resource object rather than once per day. Resources are values: a
 * resource that changes (seen deleted) is a new object, as the usage world records it.
 */
const usagesOfResource = new WeakMap<UsageResource, Usage[]>();

function meteredBy(res: UsageResource): Usage[] {
  const known = usagesOfResource.get(res);
  if (known) return known;
  const resourceGroup = /\/resourceGroups\/([^/]+)/i.exec(res.id)?.[1] ?? "";
  const tags = JSON.stringify(res.tags);
  const vmName =
    res.type.toLowerCase() === "microsoft.compute/virtualmachines" ? res.id.split("/").at(-1) : undefined;
  const usages = metersOfResourceType(res.type, res.vmSize, res.pricing).map((meter): Usage => ({
    meter,
    keySuffix: `|${meter.key}|${res.id.toLowerCase()}`,
    resourceUri: res.id,
    resourceGroup,
    location: res.location,
    tags,
    count: res.count ?? 1,
    load: res.load ?? 1,
    firstDay: res.sinceDay,
    vmName,
  }));
  usagesOfResource.set(res, usages);
  return usages;
}

/** `usages` followed by the meters of each of the subject's resources alive on the day. */
function resourceUsages(subject: UsageSubject, day: number, usages: Usage[]): Usage[] {
  for (const res of subject.resources) {
    if (day < res.sinceDay || (res.untilDay !== null && day >= res.untilDay)) continue;
    for (const usage of meteredBy(res)) usages.push(usage);
  }
  return usages;
}

/** Late arrival: most rows are visible the day after their usage, 7 % one day later and 3 % two days later. */
function lateDaysOf(r: () => number): number {
  const x = r();
  return x < 0.9 ? 0 : x < 0.97 ? 1 : 2;
}

/** Who pays a row: the partner earns PEC on it, Azure credit pays it all, or a savings plan covers it. */
type Cover = { earned: boolean; credit: boolean; benefit: boolean };

/** A row's amounts from its unit price, quantity and exchange rate, exactly; nothing is rounded. */
function amountsOf(unitPrice: Fixed, quantity: Fixed, rate: Fixed, cover: Cover) {
  const pec = cover.earned ? PEC_RATE : NO_PEC;
  // EffectiveUnitPrice = UnitPrice × (1 − PEC) on eligible days (Partner Center, PEC); 0 where Azure credit or a
  // savings plan pays for the usage.
  const factor = cover.credit || cover.benefit ? NOTHING_TO_PAY : { units: ONE.units - pec.units, scale: 2 };
  const effectiveUnitPrice = times(unitPrice, factor);
  const pricingPreTaxTotal = times(quantity, effectiveUnitPrice);
  return {
    billingPreTaxTotal: times(pricingPreTaxTotal, rate),
    pricingPreTaxTotal,
    effectiveUnitPrice,
    rateOfPartnerEarnedCredit: pec,
    hasPartnerEarnedCredit: cover.earned,
    rateOfCredit: cover.credit ? FULL_CREDIT : NO_PEC,
    creditType: cover.credit
      ? "Azure Credit Applied"
      : cover.earned
        ? "Partner Earned Credit Applied"
        : "Credit Not Applied",
  };
}

function rowOf(subject: UsageSubject, ctx: DayContext, u: Usage, key: string): UsageRow | null {
  const { day } = ctx;
  const r = seededRandom(seedOf("row", subject.subscription.id, String(day), u.meter.key, u.resourceUri));
  const availableOnDay = day + 1 + lateDaysOf(r);
  const precision = subject.precision ?? "catalog";
  const decimals = precision === "catalog" ? CATALOG_QUANTITY_SCALE : u.meter.quantityDecimals;
  const odd = precision === "catalog" ? null : oddQuantity(u.meter, r);
  const quantity = odd ?? dailyQuantity(u, subject, ctx, r, decimals);
  if (!odd && quantity.units === 0n) return null;
  const benefit =
    subject.savingsPlan !== undefined &&
    u.meter.meterCategory === "Virtual Machines" &&
    u.meter.pecEligible &&
    r() < 0.7;
  const cover: Cover = {
    earned: ctx.pecEarned && u.meter.pecEligible && !benefit,
    credit: subject.azureCredit === true,
    benefit,
  };
  const region = regionByName(u.location);
  const unitPrice = unitPriceIn(u.meter, region, precision);
  const amounts = amountsOf(unitPrice, quantity, ctx.rate, cover);
  const { customer, partner, subscription } = subject;
  return {
    key,
    availableOnDay,
    usageDay: day,
    partnerId: partner.tenantId,
    partnerName: partner.name,
    customerId: customer.tenantId,
    customerName: customer.companyName,
    customerDomainName: customer.domain,
    customerCountry: customer.country,
    mpnId: partner.mpnId,
    resellerMpnId: customer.resellerMpnId ?? "",
    productId: u.meter.productId,
    skuId: u.meter.skuId,
    availabilityId: u.meter.availabilityId,
    skuName: u.meter.skuName,
    productName: u.meter.productName,
    publisherName: u.meter.publisherName,
    publisherId: u.meter.publisherId,
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
    billingPreTaxTotal: amounts.billingPreTaxTotal,
    billingCurrency: subject.billingCurrency,
    pricingPreTaxTotal: amounts.pricingPreTaxTotal,
    pricingCurrency: PRICING_CURRENCY,
    serviceInfo1: "",
    serviceInfo2: "",
    tags: u.tags,
    additionalInfo: u.meter.vmSize
      ? JSON.stringify({ ServiceType: u.meter.vmSize, ImageType: "Canonical", VMName: u.vmName ?? "" })
      : "",
    effectiveUnitPrice: amounts.effectiveUnitPrice,
    pcToBCExchangeRate: ctx.rate,
    pcToBCExchangeRateDate: ctx.rateDate,
    entitlementId: subscription.id,
    entitlementDescription: subscription.displayName,
    rateOfPartnerEarnedCredit: amounts.rateOfPartnerEarnedCredit,
    hasPartnerEarnedCredit: amounts.hasPartnerEarnedCredit,
    rateOfCredit: amounts.rateOfCredit,
    creditType: amounts.creditType,
    benefitOrderId: benefit ? (subject.savingsPlan?.benefitOrderId ?? "") : "",
    benefitId: benefit ? (subject.savingsPlan?.benefitId ?? "") : "",
    benefitType: benefit ? "SavingsPlan" : "",
  };
}

/**
 * The same row with another quantity or partner earned credit, its amounts worked out again as the model works
 * them out: what a restatement or a correction of the row carries.
 */
export function rerated(
  row: UsageRow,
  change: { quantity?: Fixed; partnerEarnedCredit?: boolean },
): UsageRow {
  const quantity = change.quantity ?? row.quantity;
  const cover: Cover = {
    earned: change.partnerEarnedCredit ?? row.hasPartnerEarnedCredit,
    credit: row.rateOfCredit.units !== 0n,
    benefit: row.benefitType !== "",
  };
  return { ...row, quantity, ...amountsOf(row.unitPrice, quantity, row.pcToBCExchangeRate, cover) };
}

/** The model's key of a row: customer, subscription, day, meter, resource. */
const keyOf = (subject: UsageSubject, isoDate: string, u: Usage) =>
  `${subject.customer.tenantId}|${subject.subscription.id}|${isoDate}${u.keySuffix}`;

/**
 * Every usage row of a subscription for the days `fromDay`..`toDay` (both included), whether or not it has
 * arrived yet, in key order. Pure and deterministic: the same subject and day always give the same rows, and a day
 * is computed without the days before it, so any window streams in constant memory. `keep`, when given, chooses
 * rows by key before they are worked out (a sample costs only its own rows).
 */
export function* usageFor(
  subject: UsageSubject,
  fromDay: number,
  toDay: number,
  keep?: (key: string) => boolean,
): Generator<UsageRow> {
  const traits = traitsOf(subject.subscription.id);
  const { azurePlanId } = subject;
  const lastDay = subject.untilDay === undefined ? toDay : Math.min(toDay, subject.untilDay - 1);
  let monthly: MonthContext | null = null;
  for (let day = Math.max(fromDay, subject.sinceDay); day <= lastDay; day++) {
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
      const key = keyOf(subject, ctx.isoDay, u);
      if (keep && !keep(key)) continue;
      const row = rowOf(subject, ctx, u, key);
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
