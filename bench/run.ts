// Benchmarks. `npm run bench` runs all; `npm run bench -- <name> [options]` runs one, with its options (for
// example `npm run bench -- onboarding --n 50`). Each ends with one JSON line of its figures, so scripts can read
// them. Figures are ratios against a reference measured in the same command.
import { apiBenchmark } from "./api-benchmark.ts";
import { billingBenchmark } from "./billing/billing-benchmark.ts";
import { emulatorBenchmark } from "./emulator-benchmark.ts";
import { estimatesBenchmark } from "./estimates/estimates-benchmark.ts";
import { onboardingBenchmark } from "./onboarding-benchmark.ts";
import { usageGeneratorBenchmark } from "./billing/usage-generator-benchmark.ts";

const benchmarks: Record<string, (args: readonly string[]) => Promise<Record<string, unknown>>> = {
  api: apiBenchmark,
  billing: billingBenchmark,
  emulator: emulatorBenchmark,
  estimates: estimatesBenchmark,
  onboarding: onboardingBenchmark,
  "usage-generator": usageGeneratorBenchmark,
};

const args = process.argv.slice(2).filter((a) => a !== "--");
const firstOption = args.findIndex((a) => a.startsWith("-"));
const wanted = firstOption === -1 ? args : args.slice(0, firstOption);
const options = firstOption === -1 ? [] : args.slice(firstOption);
if (options.length > 0 && wanted.length !== 1) {
  process.stderr.write(
    "Options apply to one benchmark: name it first, e.g. npm run bench -- onboarding --n 50\n",
  );
  process.exit(2);
}
const names = wanted.length ? wanted : Object.keys(benchmarks);
for (const name of names) {
  const run = benchmarks[name];
  if (!run) {
    process.stderr.write(`No benchmark named ${name}. Known: ${Object.keys(benchmarks).join(", ")}\n`);
    process.exit(2);
  }
  const figures = await run(options);
  process.stdout.write(`${JSON.stringify({ benchmark: name, ...figures })}\n`);
}
