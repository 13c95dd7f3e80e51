/** Time comes through this port so tests can move it; domain code never calls Date.now(). */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can set and advance. */
export function fakeClock(start: Date = new Date("2026-01-01T00:00:00Z")): Clock & {
  advance(ms: number): void;
  set(d: Date): void;
} {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms;
    },
    set: (d) => {
      t = d.getTime();
    },
  };
}
