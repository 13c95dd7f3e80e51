// The usage generator at benchmark size: writes a Partner Center daily rated usage file of --rows rows (1,000,000 by
// default; 5,000,000 to see memory stay flat) and reports its speed and the process's resident memory as the file
// grows. `npm run bench -- usage-generator [--rows N] [--seed N] [--month YYYY-MM] [--out FILE]`; without --out the
// file goes to a temporary folder and is deleted afterwards.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import {
  DEFAULT_CURRENCIES,
  expectedFileOf,
  generateUsageFile,
} from "../../src/emulator/usage-generator/index.ts";

const Options = z.object({
  rows: z.coerce.number().int().min(1).max(100_000_000).default(1_000_000),
  seed: z.coerce.number().int().min(0).default(1),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
    .default("2025-01"),
  out: z.string().min(1).optional(),
});

function optionsOf(args: readonly string[]) {
  const { values } = parseArgs({
    args: [...args],
    options: {
      rows: { type: "string" },
      seed: { type: "string" },
      month: { type: "string" },
      out: { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const parsed = Options.safeParse(values);
  if (!parsed.success)
    throw new Error(
      `usage-generator: ${parsed.error.issues.map((i) => `--${i.path.join(".")} ${i.message}`).join("; ")}`,
    );
  return parsed.data;
}

const megabytes = (bytes: number) => Math.round(bytes / 1_048_576);

export async function usageGeneratorBenchmark(args: readonly string[]): Promise<Record<string, unknown>> {
  const options = optionsOf(args);
  const folder = options.out ? null : mkdtempSync(path.join(os.tmpdir(), "usage-generator-bench-"));
  const file = options.out ?? path.join(folder ?? "", "usage.csv");
  /** Resident memory at each tenth of the way, so growth with rows shows. */
  const rssAt: Record<string, number> = {};
  let peakRss = process.memoryUsage.rss();
  const step = Math.max(100_000, Math.ceil(options.rows / 10 / 100_000) * 100_000);
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    const summary = await generateUsageFile(
      {
        seed: options.seed,
        months: [options.month],
        size: { rows: options.rows },
        shares: { late: 0.01, restated: 0.002, duplicates: 0.001, corrections: 0.0005, pecChanges: 0.05 },
        currencies: [...DEFAULT_CURRENCIES],
      },
      file,
      (rows) => {
        const rss = process.memoryUsage.rss();
        peakRss = Math.max(peakRss, rss);
        if (rows % step === 0) rssAt[String(rows)] = megabytes(rss);
        if (rows % step === 0)
          process.stderr.write(`usage-generator: ${rows} rows, RSS ${megabytes(rss)} MB\n`);
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const bytes = statSync(file).size;
    const rss = Object.values(rssAt);
    return {
      rows: summary.rowCounts.written,
      customers: summary.customers,
      seconds: Number(seconds.toFixed(2)),
      cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(2)),
      rowsPerSecond: Math.round(summary.rowCounts.written / seconds),
      fileMegabytes: megabytes(bytes),
      megabytesPerSecond: Number((bytes / 1_048_576 / seconds).toFixed(1)),
      rssMegabytesAtRows: rssAt,
      peakRssMegabytes: megabytes(peakRss),
      // Flat memory: resident memory at the end against the first tenth of the way.
      rssLastOverFirst: rss.length > 1 ? Number(((rss.at(-1) ?? 0) / (rss[0] ?? 1)).toFixed(2)) : null,
      ...(options.out ? { file: path.resolve(file), expectedFile: path.resolve(expectedFileOf(file)) } : {}),
    };
  } finally {
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}
