import { seededRandom } from "../../platform/seeded-random.ts";

/** How often each irregularity appears: shares of rows (of subscriptions for `pecChanges`), 0 to 1. */
export type Irregularities = {
  /** Rows that arrive after their month has closed, with the next month's data (latent usage). */
  late: number;
  /** Rows that a later snapshot carries again with new values (a restatement). */
  restated: number;
  /** Rows written twice, identical, in the same snapshot. */
  duplicates: number;
  /** Rows followed, in a later snapshot, by a negative correction of part of their quantity. */
  corrections: number;
  /** Azure subscriptions whose partner loses admin access (PEC) for some days of a month. */
  pecChanges: number;
};

/** What happens to one row of usage; `draw` continues the row's own random sequence, for the values that follow. */
export type RowFate = {
  late: boolean;
  duplicated: boolean;
  restated: boolean;
  corrected: boolean;
  draw: () => number;
};

/** FNV-1a, 32 bits: a fast hash of a row's key, so each row's fate costs no cryptographic hash. */
function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The fate of a row, from the generator's seed and the row's key alone: the same row meets the same fate whichever
 * months or customers a run covers, and whatever the other shares are (each has its own draw).
 */
export function fateOf(seedBasis: number, key: string, shares: Irregularities): RowFate {
  const draw = seededRandom(fnv1a(key, seedBasis));
  return {
    late: draw() < shares.late,
    duplicated: draw() < shares.duplicates,
    restated: draw() < shares.restated,
    corrected: draw() < shares.corrections,
    draw,
  };
}
