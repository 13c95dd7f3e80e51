import type { Result } from "../../../platform/result.ts";
import type { QuarantinedRow } from "../engine/index.ts";
import { isMonth } from "../months.ts";
import type { UsageError } from "./errors.ts";
import type { UsageImport } from "./import-store.ts";

export const USAGE_IMPORT_HELP = `pcloud usage import FILE [--billed] [--invoice ID] [--period YYYY-MM] [--json]

Imports a Partner Center daily rated usage file into the configured database (DATABASE_URL, or the embedded
PGlite in DATA_DIR), as versioned snapshots per customer and day. Importing the same file again changes nothing;
an interrupted import resumes where it stopped.

  --billed      the file is billed usage (Microsoft's invoice exists): its months become final
  --invoice ID  Microsoft's invoice the billed rows are on
  --period M    the billing period the file was downloaded for, YYYY-MM (default: the latest usage month in it;
                give it for a download that holds only latent rows of an earlier month)
  --json        print the result as JSON

Exit code 0 when imported (even with quarantined rows), 1 when the file cannot be read, 2 for a wrong command line.
`;

type Output = { write(text: string): unknown };

/** What the command needs: the store's import and quarantine, opened on the configured database. */
export type UsageImportTarget = {
  importUsageFile: (
    file: string,
    options: {
      kind: "unbilled" | "billed";
      microsoftInvoiceId?: string;
      billingPeriod?: string;
      startedBy: string;
    },
  ) => Promise<Result<UsageImport, UsageError>>;
  quarantineOf: (importId: string, limit?: number) => Promise<QuarantinedRow[]>;
};

type Parsed = {
  file: string;
  billed: boolean;
  invoice: string | undefined;
  period: string | undefined;
  json: boolean;
};

function parse(args: readonly string[]): Parsed | string {
  let file: string | undefined;
  let billed = false;
  let invoice: string | undefined;
  let period: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--billed") billed = true;
    else if (a === "--json") json = true;
    else if (a === "--invoice") {
      invoice = args[++i];
      if (!invoice || invoice.startsWith("-"))
        return "--invoice needs Microsoft's invoice id, e.g. --invoice G012345678";
    } else if (a === "--period") {
      period = args[++i];
      if (!period || !isMonth(period))
        return "--period needs the billing period the file was downloaded for, written YYYY-MM, e.g. --period 2026-11";
    } else if (a.startsWith("-")) return `${a} is not an option of pcloud usage import`;
    else if (file) return `one file at a time: ${file} and ${a} were given`;
    else file = a;
  }
  if (!file) return "the usage file to import is missing";
  return { file, billed, invoice, period, json };
}

/**
 * `pcloud usage import FILE [--billed] [--invoice ID] [--period YYYY-MM] [--json]`: prints the import's counts, the first ten
 * quarantined rows with their lines and reasons, and the snapshots made.
 */
export async function usageImportCommand(
  args: readonly string[],
  io: { stdout: Output; stderr: Output },
  open: () => Promise<{ usage: UsageImportTarget; close: () => Promise<void> }>,
): Promise<number> {
  const parsed = parse(args);
  if (typeof parsed === "string") {
    io.stderr.write(`${parsed}\n\n${USAGE_IMPORT_HELP}`);
    return 2;
  }
  const { usage, close } = await open();
  try {
    const imported = await usage.importUsageFile(parsed.file, {
      kind: parsed.billed ? "billed" : "unbilled",
      ...(parsed.invoice ? { microsoftInvoiceId: parsed.invoice } : {}),
      ...(parsed.period ? { billingPeriod: parsed.period } : {}),
      startedBy: "cli",
    });
    if (!imported.ok) {
      if (parsed.json) io.stdout.write(`${JSON.stringify({ error: imported.error })}\n`);
      io.stderr.write(`${parsed.file}: ${imported.error.message}\n`);
      return 1;
    }
    const i = imported.value;
    const quarantined = await usage.quarantineOf(i.id, 10);
    if (parsed.json) {
      io.stdout.write(`${JSON.stringify({ import: i, quarantined })}\n`);
      return 0;
    }
    io.stdout.write(
      `Import ${i.id} (${i.kind}, ${i.state}) of ${i.label}\n` +
        `  billing period     ${i.billingPeriod ?? "not yet known"}\n` +
        `  rows staged        ${i.rowsStaged}\n` +
        `  rows quarantined   ${i.rowsQuarantined}\n` +
        `  snapshots created  ${i.snapshotsCreated}\n` +
        `  days unchanged     ${i.snapshotsUnchanged}\n`,
    );
    if (quarantined.length > 0) {
      io.stdout.write(
        `Quarantined rows${i.rowsQuarantined > quarantined.length ? " (the first ten)" : ""}:\n`,
      );
      for (const q of quarantined) io.stdout.write(`  line ${q.line}: ${q.code}: ${q.reason}\n`);
    }
    return 0;
  } finally {
    await close();
  }
}
