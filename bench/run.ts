// Benchmarks. `npm run bench` runs all; `npm run bench -- <name>` runs one. Each ends with one JSON line of its
// figures, so scripts can read them. Figures are ratios against a reference measured in the same command.
import { apiBenchmark } from "./api-benchmark.ts";
import { emulatorBenchmark } from "./emulator-benchmark.ts";

const benchmarks: Record<string, () => Promise<Record<string, unknown>>> = {
  api: apiBenchmark,
  emulator: emulatorBenchmark,
};

const wanted = process.argv.slice(2).filter((a) => a !== "--");
const names = wanted.length ? wanted : Object.keys(benchmarks);
for (const name of names) {
  const run = benchmarks[name];
  if (!run) {
    process.stderr.write(`No benchmark named ${name}. Known: ${Object.keys(benchmarks).join(", ")}\n`);
    process.exit(2);
  }
  const figures = await run();
  process.stdout.write(`${JSON.stringify({ benchmark: name, ...figures })}\n`);
}
