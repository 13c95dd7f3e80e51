import { compare, roundToMinorUnit, sign, ZERO, add, type Decimal } from "../engine/index.ts";
import { dayKey, minus, NO_AMOUNTS, plus, type Amounts } from "./amounts.ts";
import { monthName } from "./periods.ts";

/** Some usage: its amounts and how many usage rows it holds. */
export type Part = { readonly amounts: Amounts; readonly rowCount: number };

export type ServiceClass = "iaas" | "saas";
export type LineClass = ServiceClass | "all";

/** A customer's usage day as rated now, from its current snapshot. `byClass` is given when lines are split. */
export type CurrentDay = {
  readonly customerId: string;
  readonly usageDate: string;
  readonly snapshotId: number;
  readonly total: Part;
  readonly byClass: Readonly<Record<ServiceClass, Part>> | null;
};

/**
 * What the finalized invoices and credit notes of the account have billed for a customer's usage day so far, in
 * all (cumulative), and the snapshot that amount belongs to. `byClass` is given when lines are split.
 */
export type BilledDay = {
  readonly customerId: string;
  readonly usageDate: string;
  readonly snapshotId: number;
  readonly total: Amounts;
  readonly byClass: Readonly<Record<ServiceClass, Amounts>> | null;
};

/** The partner's billing settings that shape the lines. */
export type LinePolicy = { readonly label: string; readonly splitServices: boolean };

export type AssembledLine = {
  readonly lineNo: number;
  readonly kind: "usage" | "update_previous";
  readonly description: string;
  /** The month the line's usage happened in. */
  readonly servicePeriod: string;
  readonly serviceClass: LineClass;
  /** The exact sum; `amount` is it rounded once to the currency's minor unit. */
  readonly exact: Decimal;
  readonly amount: Decimal;
  readonly listPrice: Decimal;
  readonly partnerCost: Decimal;
  readonly rowCount: number;
};

/** One customer-day an invoice bills: the snapshot and the cumulative amount billed for it once this invoice is in. */
export type UsageRecord = {
  readonly customerId: string;
  readonly usageDate: string;
  readonly snapshotId: number;
  readonly amounts: Amounts;
};

export type AssembledInvoice = {
  readonly lines: readonly AssembledLine[];
  readonly usage: readonly UsageRecord[];
  /** Σ of the lines' amounts. */
  readonly total: Decimal;
};

export type EarlierMonth = {
  readonly month: string;
  readonly current: readonly CurrentDay[];
  readonly billed: readonly BilledDay[];
};

/** Labels of the split lines (billing-data §5, product.md §5: the product's later invoices). */
export const SPLIT_LABELS: Readonly<Record<ServiceClass, string>> = {
  iaas: "Integrated Microsoft Azure Services IaaS",
  saas: "Integrated Microsoft Azure Services SaaS",
};

const UPDATE_LABEL = "Update to Previous Month";
const UPDATE_SPLIT_LABELS: Readonly<Record<ServiceClass, string>> = {
  iaas: `${UPDATE_LABEL} Microsoft Azure Services IaaS`,
  saas: `${UPDATE_LABEL} Microsoft Azure Services SaaS`,
};

const classesOf = (policy: LinePolicy): readonly LineClass[] =>
  policy.splitServices ? ["iaas", "saas"] : ["all"];

function partOf(day: CurrentDay, cls: LineClass): Part {
  if (cls === "all") return day.total;
  if (!day.byClass)
    throw new Error(`split lines need the service classes of ${day.customerId} ${day.usageDate}`);
  return day.byClass[cls];
}

function billedOf(day: BilledDay | undefined, cls: LineClass): Amounts {
  if (!day) return NO_AMOUNTS;
  if (cls === "all") return day.total;
  if (!day.byClass)
    throw new Error(`split lines need the service classes billed for ${day.customerId} ${day.usageDate}`);
  return day.byClass[cls];
}

const sameAmounts = (a: Amounts, b: Amounts) =>
  compare(a.customerPrice, b.customerPrice) === 0 &&
  compare(a.listPrice, b.listPrice) === 0 &&
  compare(a.partnerCost, b.partnerCost) === 0;

type Sum = { amounts: Amounts; rowCount: number };
const addPart = (s: Sum, amounts: Amounts, rowCount: number): Sum => ({
  amounts: plus(s.amounts, amounts),
  rowCount: s.rowCount + rowCount,
});
const EMPTY: Sum = { amounts: NO_AMOUNTS, rowCount: 0 };

/**
 * An invoice of one billing account for one month, from the usage as rated now (pure).
 *
 * The month's usage is one line (the settings' label), or an IaaS and a SaaS line when split. Every earlier month
 * already finalized for the account adds "Update to Previous Month (October 2026)" line(s): per customer-day, the
 * current rating minus what was billed for it so far; a month whose lines all round to zero adds nothing and its
 * days stay as billed, so the difference is carried until it is worth a minor unit. Each line is its exact sum
 * rounded once (`roundToMinorUnit`); the total is the sum of the rounded lines.
 */
export function assembleInvoice(input: {
  readonly month: string;
  readonly currency: string;
  readonly policy: LinePolicy;
  readonly current: readonly CurrentDay[];
  readonly earlier: readonly EarlierMonth[];
}): AssembledInvoice {
  const { currency, policy } = input;
  const lines: AssembledLine[] = [];
  const usage: UsageRecord[] = [];
  const line = (
    kind: AssembledLine["kind"],
    description: string,
    servicePeriod: string,
    serviceClass: LineClass,
    sum: Sum,
  ) =>
    lines.push({
      lineNo: lines.length + 1,
      kind,
      description,
      servicePeriod,
      serviceClass,
      exact: sum.amounts.customerPrice,
      amount: roundToMinorUnit(sum.amounts.customerPrice, currency),
      listPrice: sum.amounts.listPrice,
      partnerCost: sum.amounts.partnerCost,
      rowCount: sum.rowCount,
    });

  for (const cls of classesOf(policy)) {
    let sum = EMPTY;
    for (const day of input.current) {
      const part = partOf(day, cls);
      sum = addPart(sum, part.amounts, part.rowCount);
    }
    line("usage", cls === "all" ? policy.label : SPLIT_LABELS[cls], input.month, cls, sum);
  }
  for (const day of input.current)
    usage.push({
      customerId: day.customerId,
      usageDate: day.usageDate,
      snapshotId: day.snapshotId,
      amounts: day.total.amounts,
    });

  for (const earlier of [...input.earlier].sort((a, b) => a.month.localeCompare(b.month))) {
    const billed = new Map(earlier.billed.map((b) => [dayKey(b.customerId, b.usageDate), b]));
    const current = new Map(earlier.current.map((c) => [dayKey(c.customerId, c.usageDate), c]));
    const keys = [...new Set([...billed.keys(), ...current.keys()])].sort();
    const changed = keys.filter((k) => {
      const now = current.get(k);
      const then = billed.get(k);
      if (now && then)
        return now.snapshotId !== then.snapshotId || !sameAmounts(now.total.amounts, then.total);
      // Late usage of a day never billed; or a day billed that no longer routes here, unless nothing is left of it.
      return now !== undefined || (then !== undefined && !sameAmounts(then.total, NO_AMOUNTS));
    });
    const sums = classesOf(policy).map((cls) => {
      let sum = EMPTY;
      for (const k of changed) {
        const now = current.get(k);
        const part = now ? partOf(now, cls) : EMPTY;
        sum = addPart(sum, minus(part.amounts, billedOf(billed.get(k), cls)), part.rowCount);
      }
      return { cls, sum };
    });
    const worthALine = sums.some(
      ({ sum }) => sign(roundToMinorUnit(sum.amounts.customerPrice, currency)) !== 0,
    );
    if (!worthALine) continue;
    for (const { cls, sum } of sums)
      if (sign(sum.amounts.customerPrice) !== 0 || cls === "all")
        line(
          "update_previous",
          `${cls === "all" ? UPDATE_LABEL : UPDATE_SPLIT_LABELS[cls]} (${monthName(earlier.month)})`,
          earlier.month,
          cls,
          sum,
        );
    for (const k of changed) {
      const now = current.get(k);
      const then = billed.get(k);
      const snapshotId = now?.snapshotId ?? then?.snapshotId;
      if (snapshotId === undefined) continue;
      usage.push({
        customerId: now?.customerId ?? then?.customerId ?? "",
        usageDate: now?.usageDate ?? then?.usageDate ?? "",
        snapshotId,
        amounts: now ? now.total.amounts : NO_AMOUNTS,
      });
    }
  }
  return { lines, usage, total: lines.reduce((t, l) => add(t, l.amount), ZERO) };
}
