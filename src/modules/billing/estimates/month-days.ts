// Calendar months of the estimates, in UTC: "YYYY-MM", and their days counted from 1.
import { MONTH } from "../months.ts";

function partsOf(month: string): { year: number; index: number } {
  if (!MONTH.test(month)) throw new RangeError(`Not a month (YYYY-MM): ${month}`);
  const first = new Date(`${month}-01T00:00:00Z`);
  return { year: first.getUTCFullYear(), index: first.getUTCMonth() };
}

export function daysInMonth(month: string): number {
  const { year, index } = partsOf(month);
  return new Date(Date.UTC(year, index + 1, 0)).getUTCDate();
}

/**
 * The weekday (0 Sunday … 6 Saturday) of day `day` of the month; day 0 is the last day of the month before, −1 the
 * one before it, and so on, so the days of history have weekdays too.
 */
export function weekdayOf(month: string, day: number): number {
  const { year, index } = partsOf(month);
  return new Date(Date.UTC(year, index, day)).getUTCDay();
}

/** "YYYY-MM-DD" of day `day` of the month (day ≤ 0 reaches into the months before). */
export function isoDayOf(month: string, day: number): string {
  const { year, index } = partsOf(month);
  return new Date(Date.UTC(year, index, day)).toISOString().slice(0, 10);
}

/** Day of `month` that the ISO day `iso` ("YYYY-MM-DD") is: 1 for the first, 0 for the day before, beyond the end after. */
export function dayOfMonth(month: string, iso: string): number {
  const { year, index } = partsOf(month);
  const at = Date.parse(`${iso}T00:00:00Z`);
  return Math.floor((at - Date.UTC(year, index, 1)) / 86_400_000) + 1;
}
