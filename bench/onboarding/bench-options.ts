import { parseArgs } from "node:util";
import { z } from "zod";

const Options = z.object({
  n: z.coerce.number().int().min(1).max(10_000).default(500),
  workers: z.coerce.number().int().min(1).max(64).default(8),
  timeFactor: z.coerce.number().min(1).max(1_000_000).default(600),
  timeoutMinutes: z.coerce.number().min(1).max(600).default(60),
});

export type OnboardingBenchOptions = z.infer<typeof Options>;

const flags: Record<keyof OnboardingBenchOptions, string> = {
  n: "--n",
  workers: "--workers",
  timeFactor: "--time-factor",
  timeoutMinutes: "--timeout-minutes",
};

/**
 * `--n N` organizations (500), `--workers K` worker loops (8), `--time-factor F` dividing Microsoft's latencies
 * (600: two minutes become 200 ms), `--timeout-minutes M` before unfinished onboardings are counted as such (60).
 */
export function benchOptions(args: readonly string[]): OnboardingBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      n: { type: "string" },
      workers: { type: "string" },
      "time-factor": { type: "string" },
      "timeout-minutes": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const parsed = Options.safeParse({
    n: values.n,
    workers: values.workers,
    timeFactor: values["time-factor"],
    timeoutMinutes: values["timeout-minutes"],
  });
  if (!parsed.success)
    throw new Error(
      parsed.error.issues
        .map((i) => `${flags[i.path[0] as keyof OnboardingBenchOptions]}: ${i.message}`)
        .join("; "),
    );
  return parsed.data;
}
