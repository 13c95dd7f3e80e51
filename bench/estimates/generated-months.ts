// Generated months for the back-test of month-end estimates: a Partner Center usage file from the usage generator,
// rated by the billing engine at a 0 % plan, summed per customer and usage day, and seen as of cut days.
import { createReadStream } from "node:fs";
import path from "node:path";
import {
  DEFAULT_CURRENCIES,
  generateUsageFile,
  type GenerationSummary,
} from "../../src/emulator/usage-generator/index.ts";
import { seedOf } from "../../src/emulator/usage/index.ts";
import {
  add,
  createPricePlan,
  rateLine,
  readDailyRatedUsage,
  sign,
  sum,
  ZERO,
  type Decimal,
} from "../../src/modules/billing/engine/index.ts";
import type { BacktestCase } from "../../src/modules/billing/estimates/index.ts";
import { seededRandom } from "../../src/platform/seeded-random.ts";

export type GeneratedMonthsOptions = {
  seed: number;
  customers: number;
  /** The month estimated; the file holds it last, after `historyMonths` months of history. */
  month: string;
  historyMonths: number;
  cutDays: readonly number[];
  /** The folder the usage file is written to. */
  folder: string;
};

export type GeneratedMonths = {
  cases: BacktestCase[];
  /** Rows read from the file, and rows the reader set aside (none expected). */
  rows: number;
  quarantined: number;
  generation: GenerationSummary;
};

/**
 * Irregularities of the generated months. Latent rows (1 %) arrive after their month closed and are billed with the
 * next one: the month estimated is the file's last, so its own latent rows are not in it and its truth is what its
 * invoice bills. Negative corrections come in a later snapshot, after the month: no view sees them, the truth
 * does. Duplicates and restatements are settled before totals reach estimates, so there are none here, and the
 * file as written is the file settled.
 */
const SHARES = { late: 0.01, restated: 0, duplicates: 0, corrections: 0.0005, pecChanges: 0.05 };

/**
 * The usage model's arrival (src/emulator/usage/README.md, "Time"): a row is visible the day after its usage, 7 %
 * a day later and 3 % two days later. The file does not carry the arrival day, so each row draws its delay from
 * the seed and its line with those shares.
 */
function arrivalDelay(seed: number, line: number): 0 | 1 | 2 {
  const x = seededRandom(seedOf("arrival", String(seed), String(line)))();
  return x < 0.9 ? 0 : x < 0.97 ? 1 : 2;
}

/** One customer's usage day: customer price by how many days late it arrived, and what came after the month. */
type DayTotals = { byDelay: [Decimal, Decimal, Decimal]; afterMonth: Decimal };

const monthShift = (month: string, n: number): string => {
  const d = new Date(`${month}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 7);
};
const isoDayOf = (month: string, day: number): string => {
  const d = new Date(`${month}-01T00:00:00Z`);
  d.setUTCDate(day);
  return d.toISOString().slice(0, 10);
};
const lengthOf = (month: string): number => {
  const d = new Date(`${monthShift(month, 1)}-01T00:00:00Z`);
  d.setUTCDate(0);
  return d.getUTCDate();
};

export async function generatedMonths(options: GeneratedMonthsOptions): Promise<GeneratedMonths> {
  const months = Array.from({ length: options.historyMonths + 1 }, (_, i) =>
    monthShift(options.month, i - options.historyMonths),
  );
  const file = path.join(options.folder, `usage-${options.seed}-${options.month}.csv`);
  const generation = await generateUsageFile(
    {
      seed: options.seed,
      months,
      size: { customers: options.customers },
      shares: SHARES,
      currencies: [...DEFAULT_CURRENCIES],
    },
    file,
  );

  const plan = createPricePlan({});
  if (!plan.ok) throw new Error(plan.error.message);
  const customers = new Map<string, Map<string, DayTotals>>();
  let rows = 0;
  let quarantined = 0;
  const read = await readDailyRatedUsage(createReadStream(file), {
    line(line) {
      rows += 1;
      const price = rateLine(line, plan.value).customerPrice;
      const days = customers.get(line.customerId) ?? new Map<string, DayTotals>();
      customers.set(line.customerId, days);
      const totals = days.get(line.usageDate) ?? { byDelay: [ZERO, ZERO, ZERO], afterMonth: ZERO };
      days.set(line.usageDate, totals);
      if (sign(price) < 0) totals.afterMonth = add(totals.afterMonth, price);
      else {
        const delay = arrivalDelay(options.seed, line.line);
        totals.byDelay[delay] = add(totals.byDelay[delay], price);
      }
    },
    quarantine() {
      quarantined += 1;
    },
  });
  if (!read.ok) throw new Error(read.error.message);

  const length = lengthOf(options.month);
  const historyDays: string[] = [];
  for (const m of months.slice(0, -1))
    for (let d = 1; d <= lengthOf(m); d++) historyDays.push(isoDayOf(m, d));
  const cases: BacktestCase[] = [];
  for (const [customerId, days] of customers) {
    const final = (iso: string): Decimal => {
      const t = days.get(iso);
      return t ? sum([...t.byDelay, t.afterMonth]) : ZERO;
    };
    /** Day `day` as seen on `cutDay`: the rows whose arrival day (usage day + 1 + delay) is not after it. */
    const seen = (day: number, cutDay: number): Decimal => {
      const t = days.get(isoDayOf(options.month, day));
      return t ? sum(t.byDelay.filter((_, delay) => day + 1 + delay <= cutDay)) : ZERO;
    };
    cases.push({
      customerId,
      month: options.month,
      truth: sum(Array.from({ length }, (_, i) => final(isoDayOf(options.month, i + 1)))),
      history: historyDays.map(final),
      views: options.cutDays.map((cutDay) => ({
        cutDay,
        days: Array.from({ length: cutDay - 1 }, (_, i) => seen(i + 1, cutDay)),
      })),
    });
  }
  return { cases, rows, quarantined, generation };
}
