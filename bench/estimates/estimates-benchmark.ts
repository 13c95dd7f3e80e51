// The back-test of month-end estimates: generated months (usage generator → billing engine at 0 %), each customer's
// month estimated as of days 3, 10 and 20 by every method and compared with what the month came to.
// `npm run bench -- estimates [--customers N] [--seed N] [--month YYYY-MM] [--history-months N]`.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import {
  backtest,
  BEST_METHOD,
  ESTIMATE_METHODS,
  type MethodScore,
} from "../../src/modules/billing/estimates/index.ts";
import { generatedMonths } from "./generated-months.ts";

export const CUT_DAYS = [3, 10, 20] as const;

const Options = z.object({
  customers: z.coerce.number().int().min(1).max(5_000).default(150),
  seed: z.coerce.number().int().min(0).default(1),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be YYYY-MM")
    .default("2025-04"),
  "history-months": z.coerce.number().int().min(0).max(6).default(2),
});

function optionsOf(args: readonly string[]) {
  const { values } = parseArgs({
    args: [...args],
    options: {
      customers: { type: "string" },
      seed: { type: "string" },
      month: { type: "string" },
      "history-months": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const parsed = Options.safeParse(values);
  if (!parsed.success)
    throw new Error(
      `estimates: ${parsed.error.issues.map((i) => `--${i.path.join(".")} ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

const pct = (x: number) => `${x.toFixed(2)} %`;
const round2 = (x: number) => Math.round(x * 100) / 100;

function table(cutDay: number, scores: readonly MethodScore[]): string {
  const header = ["method", "customers", "MAPE", "median APE", "p90 APE", "bias", "in range", "handed over"];
  const rows = scores.map((s) => [
    s.method === BEST_METHOD ? `${s.method} (best)` : s.method,
    String(s.customers),
    pct(s.mape),
    pct(s.medianApe),
    pct(s.p90Ape),
    pct(s.bias),
    pct(s.coverage),
    String(s.handedOver),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join("  ");
  return [`as of day ${cutDay}`, line(header), ...rows.map(line)].join("\n");
}

export async function estimatesBenchmark(args: readonly string[]): Promise<Record<string, unknown>> {
  const options = optionsOf(args);
  const folder = mkdtempSync(path.join(os.tmpdir(), "estimates-bench-"));
  try {
    const started = performance.now();
    const months = await generatedMonths({
      seed: options.seed,
      customers: options.customers,
      month: options.month,
      historyMonths: options["history-months"],
      cutDays: CUT_DAYS,
      folder,
    });
    const generatedSeconds = (performance.now() - started) / 1000;
    const scores = backtest(months.cases, ESTIMATE_METHODS);
    for (const cutDay of CUT_DAYS)
      process.stdout.write(
        `${table(
          cutDay,
          scores.filter((s) => s.cutDay === cutDay),
        )}\n\n`,
      );
    const byCutDay = Object.fromEntries(
      CUT_DAYS.map((cutDay) => [
        cutDay,
        Object.fromEntries(
          scores
            .filter((s) => s.cutDay === cutDay)
            .map((s) => [
              s.method,
              {
                mape: round2(s.mape),
                medianApe: round2(s.medianApe),
                p90Ape: round2(s.p90Ape),
                bias: round2(s.bias),
                coverage: round2(s.coverage),
              },
            ]),
        ),
      ]),
    );
    return {
      seed: options.seed,
      month: options.month,
      historyMonths: options["history-months"],
      customers: months.cases.length,
      rows: months.rows,
      quarantined: months.quarantined,
      best: BEST_METHOD,
      seconds: round2((performance.now() - started) / 1000),
      generateAndRateSeconds: round2(generatedSeconds),
      byCutDay,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
