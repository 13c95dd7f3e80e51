/** Months are `YYYY-MM` (UTC), as billing stores them; the helpers every part of billing shares. */
export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export const isMonth = (text: string): boolean => MONTH.test(text);

/** Days are `YYYY-MM-DD` (UTC). */
export const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** The month a moment falls in, in UTC. */
export const monthOf = (at: Date): string => at.toISOString().slice(0, 7);

/** The month `n` months after (or before, for negative `n`) `month`. */
export function addMonths(month: string, n: number): string {
  const [y, m] = month.split("-").map((part) => Number.parseInt(part, 10));
  const index = (y ?? 0) * 12 + (m ?? 1) - 1 + n;
  return `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}
