import {
  firstDayOf,
  fromUnits,
  lastDayOf,
  previousMonth,
  rerated,
  rescale,
  times,
  usageFor,
  type Fixed,
  type Month,
  type UsageRow,
} from "../usage/index.ts";
import type { Counted } from "./golden-totals.ts";
import { fateOf, type Irregularities, type RowFate } from "./row-fates.ts";
import type { SyntheticCustomer } from "./synthetic-customers.ts";

/** Why a row is in the file: on-time usage, latent usage of the month before, or an irregularity of a usage row. */
export type RowKind = "usage" | "late" | "duplicate" | "restated" | "correction";

export type WrittenRow = Counted & { kind: RowKind };

/** ChargeType of a negative correction (a refund of part of a day's usage); usage rows carry "new". */
export const CORRECTION_CHARGE_TYPE = "refund";

/** `q × factor`, kept at q's decimals (half-even), where factor is a float drawn for the row. */
function scaled(q: Fixed, factor: number): Fixed {
  return rescale(times(q, { units: BigInt(Math.round(factor * 1_000_000)), scale: 6 }), q.scale);
}

/**
 * A later snapshot's version of a row (billing-data.md §6.2): 30 % of the rows that earned PEC lose it on
 * restatement (EffectiveUnitPrice changes), the others have their quantity moved by 1–20 % either way. Always new
 * values: a quantity too small to move changes by one unit of its last decimal.
 */
function restatementOf(row: UsageRow, fate: RowFate): UsageRow {
  if (row.hasPartnerEarnedCredit && fate.draw() < 0.3) return rerated(row, { partnerEarnedCredit: false });
  const change = 0.01 + fate.draw() * 0.19;
  const quantity = scaled(row.quantity, fate.draw() < 0.5 ? 1 - change : 1 + change);
  const moved =
    quantity.units === row.quantity.units ? fromUnits(quantity.units + 1n, quantity.scale) : quantity;
  return rerated(row, { quantity: moved });
}

/** A negative correction of 10–100 % of the row's quantity, with its own natural key (ChargeType "refund"). */
function correctionOf(row: UsageRow, fate: RowFate): UsageRow {
  const part = scaled(row.quantity, 0.1 + fate.draw() * 0.9);
  const quantity = fromUnits(-(part.units === 0n ? 1n : part.units), part.scale);
  return { ...rerated(row, { quantity }), chargeType: CORRECTION_CHARGE_TYPE };
}

/**
 * The rows of one customer's month in the order a file carries them, as its downloads arrived:
 * 1. latent usage of the month before, which arrived after that month closed (ChargeStartDate/ChargeEndDate still
 *    name the earlier month, as Partner Center writes them);
 * 2. the month's usage in the model's key order (subscription, day, meter, resource), an exact duplicate right after
 *    the row it copies; rows whose fate is to arrive late are left for the next month;
 * 3. a later snapshot: restated rows (same natural key, new values) and negative corrections.
 * Memory: the later snapshot's few rows of this customer and month.
 */
export function* customerMonth(
  customer: SyntheticCustomer,
  month: Month,
  seedBasis: number,
  shares: Irregularities,
): Generator<WrittenRow> {
  const before = previousMonth(month);
  const isLate = (key: string) => fateOf(seedBasis, key, shares).late;
  if (shares.late > 0)
    for (const subject of customer.subjects)
      for (const row of usageFor(subject, firstDayOf(before), lastDayOf(before), isLate))
        yield { kind: "late", as: "new", row };

  const later: WrittenRow[] = [];
  for (const subject of customer.subjects)
    for (const row of usageFor(subject, firstDayOf(month), lastDayOf(month))) {
      const fate = fateOf(seedBasis, row.key, shares);
      if (fate.late) continue;
      yield { kind: "usage", as: "new", row };
      if (fate.duplicated) yield { kind: "duplicate", as: "copy", row };
      if (fate.restated)
        later.push({ kind: "restated", as: "replacement", row: restatementOf(row, fate), replaces: row });
      if (fate.corrected && row.quantity.units !== 0n)
        later.push({ kind: "correction", as: "new", row: correctionOf(row, fate) });
    }
  yield* later;
}
