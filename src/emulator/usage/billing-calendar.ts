/**
 * Days and calendar months of the billing world, in UTC. A day is a whole number of days since 1970-01-01; a month
 * is "YYYY-MM". The Azure plan's billing period is the calendar month, and invoices and reconciliation data are
 * ready by the 8th of the next month at 00:00 UTC (Partner Center, "Azure plan billing"), which is when the
 * emulator closes a month.
 */
export type Month = string;

const DAY_MS = 86_400_000;
/** The day of the next month on which the previous month is invoiced. */
export const CLOSE_DAY_OF_NEXT_MONTH = 8;

export const dayOf = (ms: number) => Math.floor(ms / DAY_MS);
export const startOfDayMs = (day: number) => day * DAY_MS;
export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** Microsoft's date-time form for a whole day: `2025-01-31T00:00:00Z`. */
export const isoDayTime = (day: number) => `${isoDay(day)}T00:00:00Z`;
export const monthOf = (day: number): Month => isoDay(day).slice(0, 7);

function parts(month: Month): { year: number; index: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new Error(`Not a month: ${month}`);
  return { year: Number(m[1]), index: Number(m[2]) - 1 };
}

export function firstDayOf(month: Month): number {
  const { year, index } = parts(month);
  return dayOf(Date.UTC(year, index, 1));
}

export function lastDayOf(month: Month): number {
  const { year, index } = parts(month);
  return dayOf(Date.UTC(year, index + 1, 1)) - 1;
}

export const daysIn = (month: Month) => lastDayOf(month) - firstDayOf(month) + 1;
export const nextMonth = (month: Month) => monthOf(lastDayOf(month) + 1);
export const previousMonth = (month: Month) => monthOf(firstDayOf(month) - 1);

/** When the month closes: 00:00 UTC on the 8th of the next month. */
export function closesAt(month: Month): number {
  return startOfDayMs(firstDayOf(nextMonth(month)) + CLOSE_DAY_OF_NEXT_MONTH - 1);
}

export const isClosed = (month: Month, nowMs: number) => nowMs >= closesAt(month);

/** Months from `from` to `to`, both included, in order. */
export function monthsBetween(from: Month, to: Month): Month[] {
  const months: Month[] = [];
  for (let m = from; m <= to; m = nextMonth(m)) months.push(m);
  return months;
}
