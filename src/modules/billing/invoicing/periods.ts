import { addMonths } from "../months.ts";

export { DAY, MONTH, monthOf } from "../months.ts";

const NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function parts(month: string): { year: number; month: number } {
  const [y = "", m = ""] = month.split("-");
  return { year: Number.parseInt(y, 10), month: Number.parseInt(m, 10) };
}

/** "October 2026" for 2026-10: how invoice lines name a month. */
export function monthName(month: string): string {
  const p = parts(month);
  return `${NAMES[p.month - 1] ?? ""} ${p.year}`;
}

export const previousMonth = (month: string): string => addMonths(month, -1);

/** The year and month the partner cloud's invoice API takes. */
export const yearAndMonth = (month: string): { year: number; month: number } => parts(month);

/** `YYYYMM`, as invoice numbers carry it. */
export const compactMonth = (month: string): string => month.replace("-", "");

/** The first and last day of the month, for range queries on `YYYY-MM-DD` text. */
export function daysOf(month: string): { first: string; last: string } {
  return { first: `${month}-01`, last: `${month}-31` };
}
