import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { formatDecimal, parseDecimal, type Decimal } from "./decimal.ts";
import { createPricePlan } from "./price-plan.ts";
import { rateUsageFiles, type FileOutcome } from "./rate-files.ts";
import type { CustomerRating, InvoiceOptions } from "./rating.ts";
import type { QuarantinedRow } from "./usage-csv.ts";

export const BILLING_USAGE = `pcloud billing rate FILE... [--markup PCT] [--json]

Rates Partner Center daily rated usage files (CSV, any column order) without a database and prints, per customer
and billing currency, Microsoft's list price, the partner's cost, the customer's price and the invoice line,
rounded once to the currency's minor unit (half away from zero).

Options:
  --markup PCT                  markup on Microsoft's list price in percent; negative for a discount (default 0)
  --category-markup NAME=PCT    another markup for one meter category, e.g. "Virtual Machines=5" (repeatable)
  --split                       one invoice line for IaaS and one for SaaS instead of one for all usage
  --label TEXT                  the invoice line's label (default: Integrated Azure Services Usage)
  --json                        print JSON instead of text
  --threads N                   threads rating a large file (default: one per processor)

Rows that cannot be read are reported on stderr with their line and rated no further. The exit code is 1 when a
file cannot be read at all (missing, not a usage file), 2 for a wrong command line, else 0.
`;

type Output = { write(text: string): unknown };

/** Quarantined rows named on stderr; the rest are counted. */
const SHOWN_QUARANTINED = 10;

/** `pcloud billing …`: the stand-alone rating of usage files. Returns the exit code. */
export async function billingCommand(
  argv: readonly string[],
  io: { stdout: Output; stderr: Output },
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "help" || sub === "--help" || sub === undefined) {
    (sub === undefined ? io.stderr : io.stdout).write(BILLING_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "rate") return usageError(io, `unknown billing command ${JSON.stringify(sub)}`);
  let parsed;
  try {
    parsed = parseArgs({
      args: withAttachedValues(rest),
      allowPositionals: true,
      options: {
        markup: { type: "string" },
        "category-markup": { type: "string", multiple: true },
        split: { type: "boolean" },
        label: { type: "string" },
        json: { type: "boolean" },
        threads: { type: "string" },
        help: { type: "boolean" },
      },
    });
  } catch (e) {
    return usageError(io, e instanceof Error ? e.message : String(e));
  }
  const { values, positionals: files } = parsed;
  if (values.help) {
    io.stdout.write(BILLING_USAGE);
    return 0;
  }
  if (files.length === 0) return usageError(io, "name at least one usage file");

  const markup = values.markup === undefined ? parseDecimal("0") : parseDecimal(values.markup);
  if (!markup) return usageError(io, `--markup ${JSON.stringify(values.markup)} is not a percentage`);
  const byCategory: Record<string, Decimal> = {};
  for (const entry of values["category-markup"] ?? []) {
    const at = entry.lastIndexOf("=");
    const percent = at > 0 ? parseDecimal(entry.slice(at + 1)) : null;
    if (!percent)
      return usageError(io, `--category-markup ${JSON.stringify(entry)} is not NAME=PCT, e.g. "Storage=5"`);
    byCategory[entry.slice(0, at)] = percent;
  }
  const threads = values.threads === undefined ? availableParallelism() : Number.parseInt(values.threads, 10);
  if (!/^\d+$/.test(values.threads ?? "1") || threads < 1)
    return usageError(io, `--threads ${JSON.stringify(values.threads)} is not a whole number from 1`);
  const plan = createPricePlan({ markupPercent: markup, meterCategoryMarkupPercent: byCategory });
  if (!plan.ok) return usageError(io, plan.error.message);
  const options: InvoiceOptions = {
    split: values.split ?? false,
    ...(values.label === undefined ? {} : { labels: { usage: values.label } }),
  };

  const quarantined: { file: string; row: QuarantinedRow }[] = [];
  const rated = await rateUsageFiles(
    files,
    plan.value,
    options,
    (file, row) => {
      if (quarantined.length < SHOWN_QUARANTINED) quarantined.push({ file, row });
    },
    { threads },
  );
  const quarantinedCount = rated.files.reduce((n, f) => n + f.quarantined, 0);

  for (const outcome of rated.files)
    if (outcome.error) io.stderr.write(`${outcome.file}: ${outcome.error.message}\n`);
  if (quarantinedCount > 0) {
    io.stderr.write(`${quarantinedCount} row${quarantinedCount === 1 ? "" : "s"} quarantined (not rated):\n`);
    for (const { file, row } of quarantined) io.stderr.write(`  ${file}:${row.line}: ${row.reason}\n`);
    if (quarantinedCount > quarantined.length)
      io.stderr.write(`  … and ${quarantinedCount - quarantined.length} more\n`);
  }

  const report = { markupPercent: markup, customers: rated.customers, files: rated.files, quarantinedCount };
  io.stdout.write(values.json ? `${JSON.stringify(asJson(report))}\n` : asText(report));
  return rated.files.some((f) => f.error) ? 1 : 0;
}

const VALUE_OPTIONS = new Set(["--markup", "--category-markup", "--label", "--threads"]);

/** `--markup -5` as `--markup=-5`, so a discount can be written the natural way. */
function withAttachedValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const value = args[i + 1];
    if (VALUE_OPTIONS.has(arg) && value !== undefined) {
      out.push(`${arg}=${value}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

function usageError(io: { stderr: Output }, message: string): number {
  io.stderr.write(`pcloud billing: ${message}\n\n${BILLING_USAGE}`);
  return 2;
}

type Report = {
  markupPercent: Decimal;
  customers: CustomerRating[];
  files: FileOutcome[];
  quarantinedCount: number;
};

const text = (d: Decimal) => formatDecimal(d);

function asJson(report: Report) {
  return {
    markupPercent: text(report.markupPercent),
    rows: report.files.reduce((n, f) => n + f.lines, 0),
    quarantined: report.quarantinedCount,
    files: report.files.map((f) => ({
      file: f.file,
      rows: f.lines,
      quarantined: f.quarantined,
      ...(f.error ? { error: { code: f.error.code, message: f.error.message } } : {}),
    })),
    customers: report.customers.map((c) => ({
      customerId: c.customerId,
      customerName: c.customerName,
      billingCurrency: c.billingCurrency,
      rows: c.rows,
      listPrice: text(c.listPrice),
      partnerCost: text(c.partnerCost),
      customerPrice: text(c.customerPrice),
      margin: text(c.margin),
      pricing: c.pricing.map((p) => ({
        currency: p.currency,
        listPrice: text(p.listPrice),
        partnerCost: text(p.partnerCost),
      })),
      exchangeRates: c.exchangeRates.map((r) => ({ ...r, rate: text(r.rate) })),
      invoiceLines: c.invoiceLines.map((l) => ({
        label: l.label,
        serviceClass: l.serviceClass,
        unrounded: text(l.unrounded),
        amount: text(l.amount),
        currency: c.billingCurrency,
      })),
    })),
  };
}

function asText(report: Report): string {
  const rows = report.files.reduce((n, f) => n + f.lines, 0);
  const out: string[] = [
    `${report.customers.length} customer invoice${report.customers.length === 1 ? "" : "s"} from ${rows} rows, ` +
      `markup ${text(report.markupPercent)} % on Microsoft's list price`,
  ];
  for (const c of report.customers) {
    const rates = c.exchangeRates
      .map((r) => `${r.from}→${r.to} ${text(r.rate)} fixed ${r.date} (${r.source})`)
      .join("; ");
    out.push(
      "",
      `${c.customerName || "(no name)"}  ${c.customerId}  ${c.billingCurrency}  ${c.rows} rows`,
      `  List price      ${text(c.listPrice)}`,
      `  Partner cost    ${text(c.partnerCost)}`,
      `  Customer price  ${text(c.customerPrice)}`,
      `  Margin          ${text(c.margin)}`,
      `  Exchange rate   ${rates}`,
      ...c.invoiceLines.map((l) => `  ${l.label}: ${text(l.amount)} ${c.billingCurrency}`),
    );
  }
  return `${out.join("\n")}\n`;
}
