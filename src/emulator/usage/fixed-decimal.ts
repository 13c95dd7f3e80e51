/**
 * Exact decimal numbers as a scaled integer: `units / 10^scale`. Money in the emulator is never a JS float: prices,
 * quantities and totals are made of these, multiplied exactly (the scales add) and written with exactly `scale`
 * decimals, so a sum computed by a client from the written text equals the sum computed here.
 */
export type Fixed = { readonly units: bigint; readonly scale: number };

const TEN = 10n;
const POWERS = Array.from({ length: 64 }, (_, n) => TEN ** BigInt(n));
const pow10 = (n: number) => POWERS[n] ?? TEN ** BigInt(n);

/** Reads a plain decimal literal ("12", "-0.0375"); throws on anything else, since callers pass constants. */
export function fixed(text: string): Fixed {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`Not a decimal literal: ${text}`);
  const decimals = m[3] ?? "";
  const units = BigInt(`${m[2] ?? "0"}${decimals}`);
  return { units: m[1] ? -units : units, scale: decimals.length };
}

export const fromUnits = (units: bigint, scale: number): Fixed => ({ units, scale });

export function times(a: Fixed, b: Fixed): Fixed {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Exact sum; the result carries the larger scale. */
export function plus(a: Fixed, b: Fixed): Fixed {
  const scale = Math.max(a.scale, b.scale);
  return { units: a.units * pow10(scale - a.scale) + b.units * pow10(scale - b.scale), scale };
}

export function minus(a: Fixed, b: Fixed): Fixed {
  return plus(a, { units: -b.units, scale: b.scale });
}

export const ZERO: Fixed = { units: 0n, scale: 0 };

export function sum(values: Iterable<Fixed>): Fixed {
  let total = ZERO;
  for (const v of values) total = plus(total, v);
  return total;
}

/**
 * The same value with `scale` decimals. Widening is exact; narrowing rounds as asked: `down` truncates toward zero
 * (Excel's ROUNDDOWN, which Microsoft's invoice reconciliation formula uses), `halfEven` is banker's rounding,
 * `halfAwayFromZero` rounds ties away from zero (Excel's ROUND, as invoices commonly round).
 */
export function rescale(
  x: Fixed,
  scale: number,
  mode: "down" | "halfEven" | "halfAwayFromZero" = "halfEven",
): Fixed {
  if (scale >= x.scale) return { units: x.units * pow10(scale - x.scale), scale };
  const divisor = pow10(x.scale - scale);
  const quotient = x.units / divisor; // BigInt division truncates toward zero
  const remainder = x.units - quotient * divisor;
  if (mode === "down" || remainder === 0n) return { units: quotient, scale };
  const twice = (remainder < 0n ? -remainder : remainder) * 2n;
  const tieAway = mode === "halfAwayFromZero" || quotient % 2n !== 0n;
  const away = twice > divisor || (twice === divisor && tieAway);
  return { units: away ? quotient + (x.units < 0n ? -1n : 1n) : quotient, scale };
}

/**
 * The value rounded half-even to `digits` significant digits, as Partner Center's unit prices are written
 * (`0.0209951014286867`: 16 digits after the leading zeros); a value with fewer digits is unchanged.
 */
export function significant(x: Fixed, digits: number): Fixed {
  const length = (x.units < 0n ? -x.units : x.units).toString().length;
  return length <= digits ? x : rescale(x, Math.max(0, x.scale - (length - digits)));
}

export const negate = (x: Fixed): Fixed => ({ units: -x.units, scale: x.scale });

export function equals(a: Fixed, b: Fixed): boolean {
  return minus(a, b).units === 0n;
}

/** The value written with its trailing zeros dropped (`12.5`, `0`, `-3`): one text per number, whatever its scale. */
export function canonical(x: Fixed): string {
  let { units, scale } = x;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale--;
  }
  return format({ units, scale });
}

/** The value written with exactly its scale's decimals, e.g. `0.032258`, `-12.50`, `3`. */
export function format(x: Fixed): string {
  const negative = x.units < 0n;
  const digits = (negative ? -x.units : x.units).toString().padStart(x.scale + 1, "0");
  const whole = digits.slice(0, digits.length - x.scale);
  const decimals = digits.slice(digits.length - x.scale);
  return `${negative ? "-" : ""}${whole}${x.scale > 0 ? `.${decimals}` : ""}`;
}
