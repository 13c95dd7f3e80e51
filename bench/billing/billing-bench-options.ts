import { parseArgs } from "node:util";
import { z } from "zod";

const DEFAULT_DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/test";

const Options = z.object({
  rows: z.coerce.number().int().min(1_000).max(100_000_000).default(1_000_000),
  seed: z.coerce.number().int().min(0).default(1),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be YYYY-MM")
    .default("2025-01"),
  markup: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,2})?$/, "must be a percentage from 0 to 999 with at most two decimals")
    .default("15"),
  threads: z.coerce.number().int().min(1).max(64).default(2),
  repeat: z.coerce.number().int().min(1).max(20).default(3),
  memoryRows: z
    .string()
    .regex(/^(none|\d+(,\d+)*)$/, "must be row counts separated by commas, or none")
    .default("1000000,5000000")
    .transform((list) => (list === "none" ? [] : list.split(",").map((n) => Number.parseInt(n, 10)))),
  keep: z.boolean().default(false),
  databaseUrl: z
    .string()
    .url()
    .default(process.env["DATABASE_URL"] ?? DEFAULT_DATABASE_URL),
});

export type BillingBenchOptions = z.infer<typeof Options>;

const flags: Record<keyof BillingBenchOptions, string> = {
  rows: "--rows",
  seed: "--seed",
  month: "--month",
  markup: "--markup",
  threads: "--threads",
  repeat: "--repeat",
  memoryRows: "--memory-rows",
  keep: "--keep",
  databaseUrl: "--database-url",
};

/**
 * `--rows N` in the compared file (1,000,000), `--seed N` (1) and `--month YYYY-MM` (2025-01) of the generated data,
 * `--markup PCT` on the list price (15), `--threads N` for our run and DuckDB's alike (2), `--repeat N` timed runs
 * of each, alternating (3), `--memory-rows A,B` sizes whose peak memory our run reports (1000000,5000000; `none`),
 * `--keep` to keep the generated files for the next run, `--database-url URL` for the COPY (DATABASE_URL or the
 * local `test` database).
 */
export function billingBenchOptions(args: readonly string[]): BillingBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      rows: { type: "string" },
      seed: { type: "string" },
      month: { type: "string" },
      markup: { type: "string" },
      threads: { type: "string" },
      repeat: { type: "string" },
      "memory-rows": { type: "string" },
      keep: { type: "boolean" },
      "database-url": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const parsed = Options.safeParse({
    rows: values.rows,
    seed: values.seed,
    month: values.month,
    markup: values.markup,
    threads: values.threads,
    repeat: values.repeat,
    memoryRows: values["memory-rows"],
    keep: values.keep,
    databaseUrl: values["database-url"],
  });
  if (!parsed.success)
    throw new Error(
      `billing: ${parsed.error.issues
        .map((i) => `${flags[i.path[0] as keyof BillingBenchOptions]} ${i.message}`)
        .join("; ")}`,
    );
  return parsed.data;
}
