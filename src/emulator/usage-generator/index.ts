export { CORRECTION_CHARGE_TYPE, type RowKind } from "./customer-month.ts";
export {
  expectedFileOf,
  generateUsageFile,
  NATURAL_KEY,
  type GenerateOptions,
  type GenerationSummary,
  type RowCounts,
} from "./generate-usage-file.ts";
export type { GoldenReport } from "./golden-totals.ts";
export type { Irregularities } from "./row-fates.ts";
export { DEFAULT_CURRENCIES } from "./synthetic-customers.ts";
export { usageCommand, USAGE_GENERATE_HELP } from "./usage-command.ts";
export { USAGE_CSV_HEADERS } from "./usage-csv.ts";
