/**
 * Exact decimal numbers for money: `units × 10^-scale` with `units` a BigInt. Sums align scales, products add them,
 * so nothing is ever lost: Microsoft's 22-decimal effective prices times 10-decimal quantities keep all 32 decimals.
 * There is no division and no rounding here; the one rounding of the engine is `roundToMinorUnit` (rounding.ts).
 */
export type Decimal = { readonly units: bigint; readonly scale: number };

/**
 * Bounds on what a file may ask us to hold, so a hostile "1e999999999" cannot exhaust memory. Microsoft writes at most
 * 22 decimals (effective unit prices) and prices, quantities and totals far below 10^30.
 */
const MAX_SCALE = 40;
const MAX_INTEGER_DIGITS = 40;

const pow10Cache: bigint[] = [];
/** 10^n as a BigInt, cached for the small n the engine uses. */
export function pow10(n: number): bigint {
  let p = pow10Cache[n];
  if (p === undefined) {
    p = 10n ** BigInt(n);
    if (n < 128) pow10Cache[n] = p;
  }
  return p;
}

export const ZERO: Decimal = { units: 0n, scale: 0 };

export const fromUnits = (units: bigint, scale: number): Decimal => ({ units, scale });

/**
 * Reads a decimal written as text: an optional sign, digits with an optional point, an optional exponent
 * (`1.5E-07`, as spreadsheets write small quantities), spaces around it ignored. The scale is the number of decimals
 * written, so `"2.50"` has scale 2 and writes back as `"2.50"`. Returns null for anything else, including an empty
 * string.
 */
export function parseDecimal(text: string): Decimal | null {
  const bytes = Buffer.from(text, "utf8");
  return parseDecimalBytes(bytes, 0, bytes.length);
}

/** A decimal constant written in code; throws on a malformed literal, which is a bug. */
export function decimal(text: string): Decimal {
  const d = parseDecimal(text);
  if (!d) throw new Error(`Not a decimal literal: ${text}`);
  return d;
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const MINUS = 45;
const PLUS = 43;
const POINT = 46;
const SPACE = 32;
const TAB = 9;
const LOWER_E = 101;
const UPPER_E = 69;
/** Digits gathered in a double before they move to a BigInt: 10^15 < 2^53, so they are exact integers. */
const BLOCK_DIGITS = 15;
const MAX_EXPONENT = 9999;

/**
 * `parseDecimal` on bytes of a file, without building a string: digits are gathered 15 at a time as exact integers
 * and joined in a BigInt, so Microsoft's 16–22 digit prices cost two conversions and a multiply.
 */
export function parseDecimalBytes(bytes: Uint8Array, start: number, end: number): Decimal | null {
  while (start < end && (bytes[start] === SPACE || bytes[start] === TAB)) start++;
  while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === TAB)) end--;
  let i = start;
  let negative = false;
  if (bytes[i] === MINUS) {
    negative = true;
    i++;
  } else if (bytes[i] === PLUS) i++;
  let big: bigint | null = null;
  let block = 0;
  let blockDigits = 0;
  let significant = 0;
  let digits = 0;
  let scale = -1;
  for (; i < end; i++) {
    const c = bytes[i] ?? 0;
    if (c >= DIGIT_0 && c <= DIGIT_9) {
      digits++;
      if (scale >= 0) scale++;
      if (significant === 0 && c === DIGIT_0) continue;
      significant++;
      block = block * 10 + (c - DIGIT_0);
      if (++blockDigits === BLOCK_DIGITS) {
        big = big === null ? BigInt(block) : big * pow10(BLOCK_DIGITS) + BigInt(block);
        block = 0;
        blockDigits = 0;
      }
    } else if (c === POINT && scale < 0) scale = 0;
    else break;
  }
  if (digits === 0) return null;
  if (scale < 0) scale = 0;
  if (i < end) {
    const c = bytes[i];
    if (c !== LOWER_E && c !== UPPER_E) return null;
    i++;
    let exponentNegative = false;
    if (bytes[i] === MINUS) {
      exponentNegative = true;
      i++;
    } else if (bytes[i] === PLUS) i++;
    let exponent = 0;
    const exponentStart = i;
    for (; i < end; i++) {
      const d = bytes[i] ?? 0;
      if (d < DIGIT_0 || d > DIGIT_9 || exponent > MAX_EXPONENT) return null;
      exponent = exponent * 10 + (d - DIGIT_0);
    }
    if (i === exponentStart) return null;
    scale -= exponentNegative ? -exponent : exponent;
  }
  let units =
    big === null ? BigInt(block) : blockDigits === 0 ? big : big * pow10(blockDigits) + BigInt(block);
  if (scale < 0) {
    if (significant - scale > MAX_INTEGER_DIGITS) return null;
    units *= pow10(-scale);
    scale = 0;
  }
  if (scale > MAX_SCALE || significant - scale > MAX_INTEGER_DIGITS) return null;
  return { units: negative ? -units : units, scale };
}

/** The value written with exactly its scale's decimals (`"2.50"`, `"-0.000001"`, `"1235"`): parses back identically. */
export function formatDecimal(x: Decimal): string {
  const negative = x.units < 0n;
  const digits = (negative ? -x.units : x.units).toString().padStart(x.scale + 1, "0");
  const cut = digits.length - x.scale;
  return `${negative ? "-" : ""}${digits.slice(0, cut)}${x.scale > 0 ? `.${digits.slice(cut)}` : ""}`;
}

/** The same value with no trailing zero decimals (`2.50` → `2.5`, `3.000` → `3`): the shortest exact form. */
export function normalize(x: Decimal): Decimal {
  if (x.units === 0n) return ZERO;
  let { units, scale } = x;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale--;
  }
  return { units, scale };
}

/** `x` with at least `scale` decimals: exact, never narrower. */
export function widen(x: Decimal, scale: number): Decimal {
  return scale <= x.scale ? x : { units: x.units * pow10(scale - x.scale), scale };
}

export function add(a: Decimal, b: Decimal): Decimal {
  if (a.scale === b.scale) return { units: a.units + b.units, scale: a.scale };
  if (a.scale > b.scale) return { units: a.units + b.units * pow10(a.scale - b.scale), scale: a.scale };
  return { units: a.units * pow10(b.scale - a.scale) + b.units, scale: b.scale };
}

export const negate = (x: Decimal): Decimal => ({ units: -x.units, scale: x.scale });

export const subtract = (a: Decimal, b: Decimal): Decimal => add(a, negate(b));

/** The exact product: its scale is the sum of the scales. */
export const multiply = (a: Decimal, b: Decimal): Decimal => ({
  units: a.units * b.units,
  scale: a.scale + b.scale,
});

export function sum(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const v of values) total = add(total, v);
  return total;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`, by value (`2.5` equals `2.50`). */
export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const d = subtract(a, b).units;
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export const equals = (a: Decimal, b: Decimal): boolean => compare(a, b) === 0;

export const sign = (x: Decimal): -1 | 0 | 1 => (x.units < 0n ? -1 : x.units > 0n ? 1 : 0);
