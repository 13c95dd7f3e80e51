import { z } from "zod";
import { defineWorkflow, done } from "../../src/modules/onboarding/index.ts";

export type Query = (text: string, params?: unknown[]) => Promise<unknown>;

export const crashTables = [
  "CREATE TABLE IF NOT EXISTS engine_test_effects (key text PRIMARY KEY, run_id text NOT NULL, step_id text NOT NULL)",
  "CREATE TABLE IF NOT EXISTS engine_test_attempts (key text NOT NULL, attempt int NOT NULL)",
];

export const crashStepIds = ["reserve", "create", "grant"] as const;

/**
 * Three steps, each one "upstream" effect keyed by the step's idempotency key (the upstream ignores a repeat, as
 * Partner Center does with MS-RequestId). Every attempt is counted. `hook` may kill the process around the effect.
 */
export function crashWorkflow(query: Query, hook: (stepId: string, phase: "before" | "after") => void) {
  return defineWorkflow({
    name: "test-crash",
    version: 1,
    input: z.object({ label: z.string() }),
    steps: crashStepIds.map((id) => ({
      id,
      async run(ctx) {
        await query("INSERT INTO engine_test_attempts (key, attempt) VALUES ($1, $2)", [
          ctx.idempotencyKey,
          ctx.attempt,
        ]);
        hook(id, "before");
        await query(
          "INSERT INTO engine_test_effects (key, run_id, step_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
          [ctx.idempotencyKey, ctx.runId, id],
        );
        hook(id, "after");
        return done({ step: id, attempt: ctx.attempt });
      },
    })),
  });
}
