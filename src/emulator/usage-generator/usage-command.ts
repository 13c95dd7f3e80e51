import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import {
  dayOf,
  fixed,
  format,
  knownCurrencies,
  minorUnits,
  monthOf,
  monthsBetween,
  previousMonth,
  rescale,
  type Month,
} from "../usage/index.ts";
import { generateUsageFile, type GenerateOptions, type GenerationSummary } from "./generate-usage-file.ts";
import { DEFAULT_CURRENCIES } from "./synthetic-customers.ts";

export const USAGE_GENERATE_HELP = `pcloud usage generate --out FILE [options]

Writes a synthetic Partner Center daily rated usage file (the 55 columns, CSV) of a partner's customers, and beside
it FILE's expected totals (FILE without .csv, then .expected.json): per customer and billing currency the exact
list price, partner cost and billing-currency totals, duplicates counted once and restatements applied.
The same options always write the same bytes.

Options:
  --out FILE          where to write the file (required)
  --seed N            what everything is drawn from (default 1)
  --customers N       how many customers (default 5)
  --rows N            instead of --customers: customers are added whole until the file holds N rows
  --month M           the billing month YYYY-MM, or a range YYYY-MM..YYYY-MM (default: last month)
  --late P            share of rows arriving after their month closed, in the next month's data (default 0.01)
  --restated P        share of rows restated with new values in a later snapshot (default 0.002)
  --duplicates P      share of rows written twice (default 0.001)
  --corrections P     share of rows followed by a negative correction (default 0.0005)
  --pec-changes P     share of Azure subscriptions losing PEC for some days of a month (default 0.05)
  --currencies LIST   billing currencies to draw from, e.g. USD,EUR,JPY (default: ${DEFAULT_CURRENCIES.join(",")})
  --json              print the summary as one JSON line

A share P is a number from 0 to 1 (0.002 is 0.2 %). Exit code 2 for a wrong command line, 1 when the file cannot be
written.
`;

type Output = { write(text: string): unknown };

const share = (name: string) =>
  z.coerce
    .number({ error: `--${name} must be a share from 0 to 1, e.g. 0.002` })
    .min(0, `--${name} must be a share from 0 to 1, e.g. 0.002`)
    .max(1, `--${name} must be a share from 0 to 1, e.g. 0.002`);
const whole = (name: string, max: number) =>
  z.coerce
    .number({ error: `--${name} must be a whole number` })
    .int(`--${name} must be a whole number`)
    .min(1, `--${name} must be at least 1`)
    .max(max, `--${name} must be at most ${max}`);
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The command line, checked: every flag a string as parseArgs gives it, then the typed options. */
const GenerateArgs = z
  .object({
    out: z.string({ error: "--out FILE is required" }).min(1, "--out FILE is required"),
    seed: z.coerce
      .number({ error: "--seed must be a whole number from 0" })
      .int("--seed must be a whole number from 0")
      .min(0, "--seed must be a whole number from 0")
      .max(Number.MAX_SAFE_INTEGER, "--seed is too large")
      .default(1),
    customers: whole("customers", 100_000).optional(),
    rows: whole("rows", 1_000_000_000).optional(),
    month: z
      .string()
      .refine((m) => m.split("..").every((part) => MONTH.test(part)) && m.split("..").length <= 2, {
        message: "--month must be YYYY-MM or YYYY-MM..YYYY-MM",
      })
      .optional(),
    late: share("late").default(0.01),
    restated: share("restated").default(0.002),
    duplicates: share("duplicates").default(0.001),
    corrections: share("corrections").default(0.0005),
    "pec-changes": share("pec-changes").default(0.05),
    currencies: z
      .string()
      .transform((list) => list.split(",").map((c) => c.trim().toUpperCase()))
      .refine((list) => list.every((c) => knownCurrencies().includes(c)), {
        message: `--currencies must list currencies from ${knownCurrencies().join(", ")}`,
      })
      .optional(),
    json: z.boolean().default(false),
  })
  .refine((a) => a.customers === undefined || a.rows === undefined, {
    message: "give --customers or --rows, not both",
  });

/** The months a `--month` value names, in order; one month when none is given: the month before `now`'s. */
function monthsOf(value: string | undefined, nowMs: number): Month[] | string {
  if (value === undefined) return [previousMonth(monthOf(dayOf(nowMs)))];
  const [from = "", to = from] = value.split("..");
  if (to < from) return "--month must run forward: YYYY-MM..YYYY-MM with the first month first";
  const months = monthsBetween(from, to);
  return months.length > 36 ? "--month covers at most 36 months" : months;
}

function usageError(io: { stderr: Output }, message: string): number {
  io.stderr.write(`pcloud usage generate: ${message}\n\n${USAGE_GENERATE_HELP}`);
  return 2;
}

/** An amount for reading, rounded half away from zero to `decimals`; the exact figures are in the JSON. */
const shown = (exact: string, decimals: number) =>
  format(rescale(fixed(exact), decimals, "halfAwayFromZero"));

function printSummary(io: { stdout: Output }, s: GenerationSummary, months: Month[]): void {
  const c = s.rowCounts;
  const period = months.length === 1 ? months[0] : `${months[0]}..${months.at(-1)}`;
  io.stdout.write(
    `Wrote ${c.written} rows (${s.customers} customers, ${period}) to ${path.resolve(s.file)}\n` +
      `Expected totals: ${path.resolve(s.expectedFile)}\n` +
      `  usage ${c.usage}, late ${c.late}, duplicates ${c.duplicate}, restated ${c.restated}, corrections ${c.correction}\n` +
      "Per billing currency, settled (duplicates once, restatements applied; exact figures in the JSON):\n",
  );
  for (const t of s.expected.byCurrency) {
    const units = minorUnits(t.billingCurrency);
    io.stdout.write(
      `  ${t.billingCurrency}  ${t.customers} customer${t.customers === 1 ? "" : "s"}  ${t.rows} rows  ` +
        `list ${shown(t.listPrice, 2)} USD  ` +
        `partner cost ${shown(t.partnerCost, 2)} USD  billed ${shown(t.billingTotal, units)} ${t.billingCurrency}  ` +
        `at list ${t.listPriceInBillingCurrencyRounded} ${t.billingCurrency}\n`,
    );
  }
}

/** `pcloud usage …`: `generate` writes a synthetic usage file and its expected totals. Returns the exit code. */
export async function usageCommand(
  argv: readonly string[],
  io: { stdout: Output; stderr: Output },
  now: () => number = Date.now,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "help" || sub === "--help") {
    io.stdout.write(USAGE_GENERATE_HELP);
    return 0;
  }
  if (sub !== "generate") return usageError(io, `unknown usage command ${JSON.stringify(sub ?? "")}`);
  let values: Record<string, unknown>;
  try {
    const parsed = parseArgs({
      args: [...rest],
      allowPositionals: false,
      options: {
        out: { type: "string" },
        seed: { type: "string" },
        customers: { type: "string" },
        rows: { type: "string" },
        month: { type: "string" },
        late: { type: "string" },
        restated: { type: "string" },
        duplicates: { type: "string" },
        corrections: { type: "string" },
        "pec-changes": { type: "string" },
        currencies: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean" },
      },
    });
    values = parsed.values;
  } catch (e) {
    return usageError(io, e instanceof Error ? e.message : String(e));
  }
  if (values["help"] === true) {
    io.stdout.write(USAGE_GENERATE_HELP);
    return 0;
  }
  const checked = GenerateArgs.safeParse(values);
  if (!checked.success) return usageError(io, checked.error.issues.map((i) => i.message).join("; "));
  const a = checked.data;
  const months = monthsOf(a.month, now());
  if (typeof months === "string") return usageError(io, months);
  const options: GenerateOptions = {
    seed: a.seed,
    months,
    size: a.rows === undefined ? { customers: a.customers ?? 5 } : { rows: a.rows },
    shares: {
      late: a.late,
      restated: a.restated,
      duplicates: a.duplicates,
      corrections: a.corrections,
      pecChanges: a["pec-changes"],
    },
    currencies: a.currencies ?? [...DEFAULT_CURRENCIES],
  };
  let summary: GenerationSummary;
  try {
    summary = await generateUsageFile(options, a.out);
  } catch (e) {
    io.stderr.write(
      `pcloud usage generate: cannot write ${a.out}: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    return 1;
  }
  if (a.json)
    io.stdout.write(
      `${JSON.stringify({
        file: path.resolve(summary.file),
        expectedFile: path.resolve(summary.expectedFile),
        customers: summary.customers,
        rowCounts: summary.rowCounts,
        byCurrency: summary.expected.byCurrency,
      })}\n`,
    );
  else printSummary(io, summary, months);
  return 0;
}
