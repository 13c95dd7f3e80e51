/**
 * A small, fast generator of floats in [0, 1) from a 32-bit seed (mulberry32): the same seed always gives the same
 * sequence, so a run that drew from it (fault injection, retry jitter, synthetic usage) replays from its seed.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
