const DIGIT_0 = 48;
const DIGIT_9 = 57;
const SPACE = 32;
const DASH = 45;
const SLASH = 47;
const T = 84;

/** Characters a time of day may use after the date: digits, `:` `.`, a zone (`Z`, `+01:00`) or `AM`/`PM`. */
const TIME_CHAR = new Uint8Array(256);
for (const c of "0123456789:.+-Zz APMapm") TIME_CHAR[c.charCodeAt(0)] = 1;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Where `readNumber` stopped: a module-level cursor rather than a closure, as this runs for every row. */
let cursor = 0;

function readNumber(bytes: Uint8Array, end: number, maxDigits: number): number {
  let value = 0;
  const from = cursor;
  while (cursor < end && cursor - from < maxDigits) {
    const c = bytes[cursor] ?? 0;
    if (c < DIGIT_0 || c > DIGIT_9) break;
    value = value * 10 + (c - DIGIT_0);
    cursor++;
  }
  return cursor === from ? -1 : value;
}

/**
 * A calendar day as the number `YYYYMMDD` from the forms Partner Center writes dates in: ISO 8601 (`2024-05-01`,
 * `2024-05-01T00:00:00Z`, `2024-05-01 00:00:00`, from the API and the Graph export) and the portal's US form
 * (`05/01/2024`, `5/1/2024 12:00:00 AM`). The time of day is checked for plausible characters and dropped: usage
 * is daily. -1 unless the day exists (no 2023-02-29, no month 13).
 */
export function parseUsageDay(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && bytes[start] === SPACE) start++;
  while (end > start && bytes[end - 1] === SPACE) end--;
  cursor = start;
  let year: number;
  let month: number;
  let day: number;
  const first = readNumber(bytes, end, 4);
  if (cursor - start === 4 && bytes[cursor] === DASH) {
    year = first;
    const monthAt = ++cursor;
    month = readNumber(bytes, end, 2);
    if (cursor - monthAt !== 2 || bytes[cursor] !== DASH) return -1;
    const dayAt = ++cursor;
    day = readNumber(bytes, end, 2);
    if (cursor - dayAt !== 2) return -1;
    if (cursor < end && bytes[cursor] !== T && bytes[cursor] !== SPACE) return -1;
  } else if (cursor - start <= 2 && bytes[cursor] === SLASH) {
    month = first;
    cursor++;
    day = readNumber(bytes, end, 2);
    if (day < 0 || bytes[cursor] !== SLASH) return -1;
    const yearAt = ++cursor;
    year = readNumber(bytes, end, 4);
    if (cursor - yearAt !== 4) return -1;
    if (cursor < end && bytes[cursor] !== SPACE) return -1;
  } else return -1;
  if (cursor < end) {
    const timeAt = ++cursor;
    const c = bytes[timeAt] ?? 0;
    if (timeAt === end || c < DIGIT_0 || c > DIGIT_9) return -1;
    for (let i = timeAt; i < end; i++) if (TIME_CHAR[bytes[i] ?? 0] === 0) return -1;
  }
  if (year < 1 || month < 1 || month > 12 || day < 1) return -1;
  const monthDays = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > monthDays) return -1;
  return year * 10_000 + month * 100 + day;
}

const dayTexts = new Map<number, string>();
const MAX_DAY_TEXTS = 10_000;

/** `YYYYMMDD` as `YYYY-MM-DD`; the texts of recent days are kept, so rows of one day share one string. */
export function dayText(day: number): string {
  let text = dayTexts.get(day);
  if (text === undefined) {
    const year = Math.floor(day / 10_000);
    const monthDay = day % 10_000;
    text = `${String(year).padStart(4, "0")}-${String(Math.floor(monthDay / 100)).padStart(2, "0")}-${String(monthDay % 100).padStart(2, "0")}`;
    if (dayTexts.size < MAX_DAY_TEXTS) dayTexts.set(day, text);
  }
  return text;
}

/** `parseUsageDay` as `YYYY-MM-DD`, or null. */
export function parseUsageDate(bytes: Uint8Array, start: number, end: number): string | null {
  const day = parseUsageDay(bytes, start, end);
  return day < 0 ? null : dayText(day);
}
