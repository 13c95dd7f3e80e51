/**
 * How billing figures are shown. Amounts arrive as exact decimal strings and stay strings: digits are grouped by
 * text, never through a number, so no amount is ever rounded or altered on screen.
 */

const DECIMAL = /^([+-]?)(\d+)(\.\d+)?$/;

/** "1234567.891" → "1,234,567.891"; anything that is not a plain decimal is shown as it came. */
export function groupDigits(amount: string): string {
  const m = DECIMAL.exec(amount.trim());
  if (!m) return amount;
  const [, sign = "", whole = "", fraction = ""] = m;
  return `${sign === "-" ? "−" : ""}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction}`;
}

/** An amount with its currency: "1,234.50 GBP". */
export function formatMoney(amount: string, currency: string): string {
  return `${groupDigits(amount)} ${currency}`;
}

/** A markup as people read it: "+12.5 %", "−7.25 % (discount)", "0 %". */
export function formatMarkup(percent: string): string {
  const m = DECIMAL.exec(percent.trim());
  if (!m) return `${percent} %`;
  const [, sign = "", whole = "", fraction = ""] = m;
  const zero = /^0+$/.test(whole) && /^\.?0*$/.test(fraction);
  if (zero) return "0 %";
  return sign === "-" ? `−${whole}${fraction} % (discount)` : `+${whole}${fraction} %`;
}

/** Whether a decimal string is below zero (for colouring a difference), read from its sign and digits. */
export function isNegative(amount: string): boolean {
  const m = DECIMAL.exec(amount.trim());
  return m !== null && m[1] === "-" && /[1-9]/.test(`${m[2] ?? ""}${m[3] ?? ""}`);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The month (YYYY-MM, UTC) `offset` months from the one `now` falls in. */
export function monthFrom(now: Date, offset: number): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
}

const monthNames = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone: "UTC" });

/** "November 2026" for 2026-11, in the reader's language. */
export function monthLabel(month: string): string {
  const [y = "", m = ""] = month.split("-");
  const d = new Date(Date.UTC(Number.parseInt(y, 10), Number.parseInt(m, 10) - 1, 1));
  return Number.isNaN(d.getTime()) ? month : monthNames.format(d);
}

/**
 * An exact amount cut to `decimals` places for a dense table, marked "…" when non-zero digits were cut (never
 * rounded: the figure shown is the start of the exact one, which the title keeps whole).
 */
export function shortDecimal(amount: string, decimals = 4): string {
  const m = DECIMAL.exec(amount.trim());
  if (!m) return amount;
  const [, sign = "", whole = "", fraction = ""] = m;
  const digits = fraction.slice(1);
  const cut = /[1-9]/.test(digits.slice(decimals));
  const kept = digits.length > decimals ? `.${digits.slice(0, decimals)}${cut ? "…" : ""}` : fraction;
  return groupDigits(`${sign}${whole}`) + kept;
}
