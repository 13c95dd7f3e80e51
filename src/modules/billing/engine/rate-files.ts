import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { PARALLEL_FROM_BYTES, rateFileInParallel } from "./parallel-rating.ts";
import type { PricePlan } from "./price-plan.ts";
import { createRating, type CustomerRating, type InvoiceOptions } from "./rating.ts";
import { readDailyRatedUsage, type QuarantinedRow, type UsageFileError } from "./usage-csv.ts";

/** A file that could not be opened or read (missing, a directory, no permission, an I/O error). */
export type FileUnreadable = { code: "usage_file_unreadable"; message: string; retryable: false };

export type FileOutcome = {
  file: string;
  lines: number;
  quarantined: number;
  /** Why nothing of the file was rated. */
  error?: UsageFileError | FileUnreadable;
};

export type RatedFiles = { customers: CustomerRating[]; files: FileOutcome[] };

const CHUNK_BYTES = 1024 * 1024;

/**
 * Rates daily rated usage files together, streaming each from disk, a large file on `threads` threads (see
 * `rateFileInParallel`). A file counts whole or not at all: one that cannot be read, or is not a usage file, adds
 * nothing (its outcome says why) while the others are rated. Rows are summed as given; removing restated or
 * repeated rows is ingestion's work, not rating's.
 */
export async function rateUsageFiles(
  files: readonly string[],
  plan: PricePlan,
  options: InvoiceOptions,
  onQuarantine: (file: string, row: QuarantinedRow) => void,
  { threads = 1 }: { threads?: number } = {},
): Promise<RatedFiles> {
  const total = createRating(plan, options);
  const outcomes: FileOutcome[] = [];
  for (const file of files) {
    const rating = createRating(plan, options);
    const quarantine = (row: QuarantinedRow) => onQuarantine(file, row);
    try {
      const { size } = await stat(file);
      const read =
        threads > 1 && size >= PARALLEL_FROM_BYTES
          ? await rateFileInParallel(file, plan, options, threads, rating, quarantine)
          : await readDailyRatedUsage(createReadStream(file, { highWaterMark: CHUNK_BYTES }), {
              line: rating.add,
              quarantine,
            });
      if (read.ok) {
        total.merge(rating.state());
        outcomes.push({ file, lines: read.value.lines, quarantined: read.value.quarantined });
      } else outcomes.push({ file, lines: 0, quarantined: 0, error: read.error });
    } catch (e) {
      if (!(e instanceof Error && "code" in e)) throw e;
      outcomes.push({
        file,
        lines: 0,
        quarantined: 0,
        error: {
          code: "usage_file_unreadable",
          message: `The file cannot be read: ${e.message}`,
          retryable: false,
        },
      });
    }
  }
  return { customers: total.result(), files: outcomes };
}
