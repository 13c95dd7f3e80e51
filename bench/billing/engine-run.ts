// Our side of the billing benchmark, in a process of its own so its peak memory is its own:
// `node --import tsx engine-run.ts FILE MARKUP THREADS` runs `pcloud billing rate FILE --json --markup MARKUP
// --threads THREADS` (parse → rate → aggregate → invoice lines, exact) and prints one JSON line: the seconds the
// command took, the process's peak resident memory and the totals per customer.
import { z } from "zod";
import { billingCommand } from "../../src/modules/billing/engine/index.ts";
import type { RunReport } from "./customer-totals.ts";

/** The part of `pcloud billing rate --json`'s output the comparison reads. */
const RatedJson = z.object({
  rows: z.number().int(),
  quarantined: z.number().int(),
  customers: z.array(
    z.object({
      customerId: z.string(),
      billingCurrency: z.string(),
      rows: z.number().int(),
      listPrice: z.string(),
      partnerCost: z.string(),
      customerPrice: z.string(),
      pricing: z.array(z.object({ currency: z.string(), listPrice: z.string(), partnerCost: z.string() })),
      invoiceLines: z.array(z.object({ amount: z.string() })),
    }),
  ),
});

const [file, markup, threads] = process.argv.slice(2);
if (!file || !markup || !threads) {
  process.stderr.write("usage: engine-run.ts FILE MARKUP THREADS\n");
  process.exit(2);
}

const out: string[] = [];
const errors: string[] = [];
const started = performance.now();
const code = await billingCommand(["rate", file, "--json", "--markup", markup, "--threads", threads], {
  stdout: { write: (text: string) => out.push(text) },
  stderr: { write: (text: string) => errors.push(text) },
});
const seconds = (performance.now() - started) / 1000;
if (code !== 0) {
  process.stderr.write(`pcloud billing rate exited ${code}:\n${errors.join("")}`);
  process.exit(1);
}

const rated = RatedJson.parse(JSON.parse(out.join("")));
if (rated.quarantined > 0) {
  process.stderr.write(`${rated.quarantined} rows were quarantined:\n${errors.join("")}`);
  process.exit(1);
}
const report: RunReport = {
  seconds,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  rows: rated.rows,
  customers: rated.customers.map((c) => {
    const [priced, ...more] = c.pricing;
    const [line, ...moreLines] = c.invoiceLines;
    if (!priced || more.length > 0 || !line || moreLines.length > 0)
      throw new Error(`${c.customerId}: expected one pricing currency and one invoice line`);
    return {
      customerId: c.customerId,
      billingCurrency: c.billingCurrency,
      rows: c.rows,
      listPricePricing: priced.listPrice,
      partnerCostPricing: priced.partnerCost,
      listPrice: c.listPrice,
      partnerCost: c.partnerCost,
      customerPrice: c.customerPrice,
      invoiceLine: line.amount,
    };
  }),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
