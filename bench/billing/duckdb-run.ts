// The reference run in a process of its own, so its peak memory is its own: `node --import tsx duckdb-run.ts FILE
// FACTOR THREADS decimal|double` (FACTOR: 1 + markup / 100, e.g. 1.15) prints one JSON line like engine-run.ts.
import type { RunReport } from "./customer-totals.ts";
import { rateWithDuckDb } from "./duckdb-reference.ts";

const [file, factor, threads, typing] = process.argv.slice(2);
if (
  !file ||
  !factor ||
  !/^\d+(\.\d+)?$/.test(factor) ||
  !threads ||
  !/^\d+$/.test(threads) ||
  (typing !== "decimal" && typing !== "double")
) {
  process.stderr.write(
    "usage: duckdb-run.ts FILE FACTOR THREADS decimal|double (e.g. usage.csv 1.15 2 decimal)\n",
  );
  process.exit(2);
}

const started = performance.now();
const customers = await rateWithDuckDb(file, factor, Number.parseInt(threads, 10), typing);
const seconds = (performance.now() - started) / 1000;
const report: RunReport = {
  seconds,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  rows: customers.reduce((n, c) => n + c.rows, 0),
  customers,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
