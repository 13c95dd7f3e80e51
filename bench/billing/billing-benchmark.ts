// The billing run against DuckDB on the same Partner Center usage file. `npm run bench -- billing [--rows N]
// [--keep] …` (options: billing-bench-options.ts). In one command:
//   1. generates a daily rated usage file of --rows rows (55 columns), or reuses the one a run with --keep left;
//   2. times our run (`pcloud billing rate --json --markup M --threads T`: parse → rate → aggregate to invoice lines,
//      exact) and DuckDB's (`read_csv` with DECIMAL money columns + GROUP BY, threads = T), each in a process of its
//      own, alternating, --repeat times; and DuckDB's on DOUBLE columns, inexact, to show what the DECIMALs cost it;
//   3. compares both sides' totals per customer and currency, and ours with the generator's expected totals;
//   4. runs ours once more on each --memory-rows size for its peak resident memory;
//   5. streams the file into PostgreSQL with COPY.
// It prints a table, and returns the figures for the closing JSON line. Seconds are measured inside each process,
// from before the file is opened to the totals in hand; the table also gives each process from start to exit.
import os from "node:os";
import path from "node:path";
import { billingBenchOptions, type BillingBenchOptions } from "./billing-bench-options.ts";
import {
  COMPARE_SCALE,
  compareTotals,
  largestDifference,
  markupFactor,
  type Disagreement,
} from "./customer-totals.ts";
import { MONEY_TYPES, ROW_SCALE } from "./duckdb-reference.ts";
import { compareWithGenerator } from "./generator-totals.ts";
import { runMeasured, type MeasuredRun } from "./measured-child.ts";
import { copyIntoPostgres, type CopyOutcome } from "./postgres-copy.ts";
import { usageFile, warmPageCache, type UsageFile } from "./usage-file-cache.ts";

const note = (line: string) => process.stderr.write(`[billing] ${line}\n`);
const print = (line = "") => process.stdout.write(`${line}\n`);
const round = (x: number, digits = 2) => Number(x.toFixed(digits));
const count = (n: number) => n.toLocaleString("en");

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

type MemoryPoint = { rows: number; fileRows: number; peakRssMb: number; seconds: number };

async function timedRuns(file: string, options: BillingBenchOptions, factor: string) {
  const ours: MeasuredRun[] = [];
  const duckdb: MeasuredRun[] = [];
  const duckdbDouble: MeasuredRun[] = [];
  const threads = String(options.threads);
  const sides = [
    async () => ours.push(await runMeasured("./engine-run.ts", [file, options.markup, threads])),
    async () => duckdb.push(await runMeasured("./duckdb-run.ts", [file, factor, threads, "decimal"])),
    async () => duckdbDouble.push(await runMeasured("./duckdb-run.ts", [file, factor, threads, "double"])),
  ];
  for (let i = 0; i < options.repeat; i++) {
    // Alternating who goes first, so neither always follows the other's use of the page cache and the cores.
    for (const run of i % 2 === 0 ? sides : [...sides].reverse()) await run();
    note(
      `run ${i + 1}/${options.repeat}: ours ${round(ours.at(-1)?.seconds ?? 0)} s, DuckDB ${round(duckdb.at(-1)?.seconds ?? 0)} s ` +
        `(DOUBLE ${round(duckdbDouble.at(-1)?.seconds ?? 0)} s)`,
    );
  }
  return { ours, duckdb, duckdbDouble };
}

async function memoryPoints(
  options: BillingBenchOptions,
  compared: { rows: number; runs: readonly MeasuredRun[] },
  made: UsageFile[],
): Promise<MemoryPoint[]> {
  const points: MemoryPoint[] = [];
  for (const rows of options.memoryRows) {
    if (rows === options.rows) {
      points.push({
        rows,
        fileRows: compared.rows,
        peakRssMb: Math.max(...compared.runs.map((r) => r.peakRssMb)),
        seconds: median(compared.runs.map((r) => r.seconds)),
      });
      continue;
    }
    const usage = await usageFile({ seed: options.seed, month: options.month, rows }, note);
    if (usage.generated) made.push(usage);
    await warmPageCache(usage.file);
    const run = await runMeasured("./engine-run.ts", [usage.file, options.markup, String(options.threads)]);
    note(`${count(run.rows)} rows: ${round(run.seconds)} s, peak RSS ${Math.round(run.peakRssMb)} MB`);
    points.push({ rows, fileRows: run.rows, peakRssMb: run.peakRssMb, seconds: run.seconds });
  }
  return points;
}

type Figures = {
  options: BillingBenchOptions;
  usage: UsageFile;
  first: MeasuredRun;
  runs: Awaited<ReturnType<typeof timedRuns>>;
  agreement: Disagreement[];
  generator: Disagreement[];
  memory: readonly MemoryPoint[];
  copy: CopyOutcome;
  load: { before: number[]; after: number[] };
};

function printTable({ options, usage, first, runs, agreement, generator, memory, copy, load }: Figures) {
  const { ours, duckdb, duckdbDouble } = runs;
  const loads = (l: number[]) => l.map((x) => x.toFixed(1)).join(" ");
  const column = (cells: readonly string[]) => cells.map((c) => c.padStart(9)).join("");
  const row = (label: string, cells: readonly string[]) => print(`${label.padEnd(36)}${column(cells)}`);
  const withMedian = (runs: readonly MeasuredRun[], pick: (r: MeasuredRun) => number, digits = 2) => [
    ...runs.map((r) => pick(r).toFixed(digits)),
    median(runs.map(pick)).toFixed(digits),
  ];
  const heading = (label: string) => row(label, [...ours.map((_, i) => `run ${i + 1}`), "median"]);
  const currencies = new Set(first.customers.map((c) => c.billingCurrency)).size;
  const doubleLines = compareTotals(first.customers, duckdbDouble[0]?.customers ?? [], COMPARE_SCALE).filter(
    (d) => d.what === "invoiceLine",
  ).length;

  print();
  print(
    `Billing benchmark: ${count(first.rows)} rows × 55 columns (${Math.round(usage.bytes / 1_048_576)} MB), ` +
      `${count(first.customers.length)} customers, ${currencies} billing currencies, markup ${options.markup} %`,
  );
  print(
    `Machine: ${os.availableParallelism()} cores, ${round(os.totalmem() / 2 ** 30, 1)} GB, Node ${process.version}; ` +
      `load average ${loads(load.before)} before, ${loads(load.after)} after`,
  );
  print();
  heading("seconds, inside each process");
  row(
    `ours (${options.threads} threads)`,
    withMedian(ours, (r) => r.seconds),
  );
  row(
    `DuckDB DECIMAL (threads=${options.threads})`,
    withMedian(duckdb, (r) => r.seconds),
  );
  row("ratio ours / DuckDB", [
    ...ours.map((r, i) => (r.seconds / (duckdb[i]?.seconds ?? Number.NaN)).toFixed(2)),
    (median(ours.map((r) => r.seconds)) / median(duckdb.map((r) => r.seconds))).toFixed(2),
  ]);
  row(
    "DuckDB DOUBLE, inexact (scale only)",
    withMedian(duckdbDouble, (r) => r.seconds),
  );
  heading("seconds, process start to exit");
  row(
    "ours",
    withMedian(ours, (r) => r.processSeconds),
  );
  row(
    "DuckDB DECIMAL",
    withMedian(duckdb, (r) => r.processSeconds),
  );
  heading("peak RSS, MB");
  row(
    "ours",
    withMedian(ours, (r) => r.peakRssMb, 0),
  );
  row(
    "DuckDB DECIMAL",
    withMedian(duckdb, (r) => r.peakRssMb, 0),
  );
  print();
  print("Our run's peak RSS as rows grow (a process per size):");
  for (const m of memory)
    print(
      `  ${count(m.fileRows).padStart(11)} rows ${String(Math.round(m.peakRssMb)).padStart(6)} MB` +
        `${m.seconds.toFixed(2).padStart(8)} s${count(Math.round(m.fileRows / m.seconds)).padStart(10)} rows/s`,
    );
  print();
  const verdict = (found: readonly Disagreement[]) =>
    found.length === 0 ? "agree" : `${found.length} DIFFERENCES`;
  print(`Totals per customer and currency, ours against DuckDB DECIMAL: ${verdict(agreement)}`);
  print(
    `  rows; list price and partner cost in USD and in the billing currency; customer price: at ${COMPARE_SCALE} decimals`,
  );
  print(`  invoice lines: to the currency's minor unit`);
  print(`  largest difference: ${largestDifference(first.customers, duckdb[0]?.customers ?? [])}`);
  print(
    `  DuckDB: ${Object.entries(MONEY_TYPES)
      .map(([c, t]) => `${c} ${t}`)
      .join(", ")}; each row's product cast to DECIMAL(38,${ROW_SCALE})`,
  );
  print(
    `  DuckDB DOUBLE: largest difference ${largestDifference(first.customers, duckdbDouble[0]?.customers ?? [])}, ` +
      `${doubleLines} invoice line${doubleLines === 1 ? "" : "s"} off`,
  );
  print(
    `Totals, ours against the generator's expected (every row as written), exactly: ${verdict(generator)}`,
  );
  for (const d of [...agreement, ...generator].slice(0, 10))
    print(`  ${d.key} ${d.what}: ours ${d.ours}, other ${d.theirs}`);
  print(
    copy.ok
      ? `PostgreSQL COPY FROM STDIN: ${count(copy.rows)} rows in ${copy.seconds.toFixed(2)} s = ` +
          `${count(copy.rowsPerSecond)} rows/s (logged table, numeric amounts, ${copy.tableMb} MB on disk)`
      : `PostgreSQL COPY skipped: ${copy.reason}`,
  );
  print(
    options.keep
      ? `Files kept in ${path.dirname(usage.file)} for the next run.`
      : "Generated files removed (--keep keeps them).",
  );
}

export async function billingBenchmark(args: readonly string[]): Promise<Record<string, unknown>> {
  const options = billingBenchOptions(args);
  const factor = markupFactor(options.markup);
  const loadBefore = os.loadavg();
  const made: UsageFile[] = [];
  try {
    const usage = await usageFile({ seed: options.seed, month: options.month, rows: options.rows }, note);
    if (usage.generated) made.push(usage);
    await warmPageCache(usage.file);

    const runs = await timedRuns(usage.file, options, factor);
    const { ours, duckdb } = runs;
    const [first] = ours;
    if (!first) throw new Error("billing: no timed run");
    const agreement = ours.flatMap((run, i) =>
      compareTotals(run.customers, duckdb[i]?.customers ?? [], COMPARE_SCALE),
    );
    const generator = compareWithGenerator(first.customers, usage.expectedFile, factor);
    const memory = await memoryPoints(options, { rows: first.rows, runs: ours }, made);
    note("COPY into PostgreSQL");
    const copy = await copyIntoPostgres(options.databaseUrl, usage.file);
    const loadAfter = os.loadavg();

    printTable({
      options,
      usage,
      first,
      runs,
      agreement,
      generator,
      memory,
      copy,
      load: { before: loadBefore, after: loadAfter },
    });
    const oursSeconds = median(ours.map((r) => r.seconds));
    const duckdbSeconds = median(duckdb.map((r) => r.seconds));
    const rssAt = (rows: number) => {
      const point = memory.find((m) => m.rows === rows);
      return point ? Math.round(point.peakRssMb) : null;
    };
    return {
      rows: first.rows,
      oursSeconds: round(oursSeconds),
      duckdbSeconds: round(duckdbSeconds),
      ratio: round(oursSeconds / duckdbSeconds),
      peakRssMb1M: rssAt(1_000_000),
      peakRssMb5M: rssAt(5_000_000),
      totalsAgree: agreement.length === 0,
      generatorTotalsAgree: generator.length === 0,
      copyRowsPerSecond: copy.ok ? copy.rowsPerSecond : null,
      machine: {
        cpus: os.availableParallelism(),
        memGb: round(os.totalmem() / 2 ** 30, 1),
        loadAverage: round(((loadBefore[0] ?? 0) + (loadAfter[0] ?? 0)) / 2, 1),
      },
    };
  } finally {
    if (!options.keep) for (const usage of made) usage.remove();
  }
}
