import type { FastifyInstance } from "fastify";
import { z } from "zod";

/**
 * The emulator's clock: real time plus an offset the control plane can move forward, so tests can make a
 * 90-day GDAP request or a month of usage pass in a second. Everything in the emulator that depends on time
 * asks this clock, never Date.now() directly.
 */
export type EmulatorClock = {
  readonly now: () => number;
  readonly nowIso: () => string;
  readonly advance: (ms: number) => void;
};

export function createClock(): EmulatorClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    nowIso: () => new Date(Date.now() + offset).toISOString(),
    advance(ms) {
      offset += ms;
    },
  };
}

const Advance = z.object({
  advanceSeconds: z
    .number()
    .int()
    .min(0)
    .max(10 * 366 * 86_400),
});

/** `GET /_emulator/clock` tells the emulator's time; `POST /_emulator/clock {advanceSeconds}` moves it forward. */
export function clockRoutes(app: FastifyInstance, clock: EmulatorClock) {
  app.get("/_emulator/clock", () => Promise.resolve({ now: clock.nowIso() }));
  app.post<{ Body: unknown }>("/_emulator/clock", async (req, reply) => {
    const parsed = Advance.safeParse(req.body);
    if (!parsed.success)
      return reply.code(400).send({ error: "advanceSeconds must be a whole number of seconds, 0 or more." });
    clock.advance(parsed.data.advanceSeconds * 1000);
    return { now: clock.nowIso() };
  });
}
