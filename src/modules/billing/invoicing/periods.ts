/** Months are `YYYY-MM` (UTC), as the billing tables keep them. */
export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

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

const format = (year: number, month: number) => `${year}-${String(month).padStart(2, "0")}`;

/** "October 2026" for 2026-10: how invoice lines name a month. */
export function monthName(month: string): string {
  const p = parts(month);
  return `${NAMES[p.month - 1] ?? ""} ${p.year}`;
}

export function previousMonth(month: string): string {
  const p = parts(month);
  return p.month === 1 ? format(p.year - 1, 12) : format(p.year, p.month - 1);
}

/** The month an instant falls in, in UTC. */
export const monthOf = (at: Date): string => format(at.getUTCFullYear(), at.getUTCMonth() + 1);

/** The year and month the partner cloud's invoice API takes. */
export const yearAndMonth = (month: string): { year: number; month: number } => parts(month);

/** `YYYYMM`, as invoice numbers carry it. */
export const compactMonth = (month: string): string => month.replace("-", "");

/** The first and last day of the month, for range queries on `YYYY-MM-DD` text. */
export function daysOf(month: string): { first: string; last: string } {
  return { first: `${month}-01`, last: `${month}-31` };
}
