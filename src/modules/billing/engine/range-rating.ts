import { open, type FileHandle } from "node:fs/promises";
import type { PricePlan } from "./price-plan.ts";
import { createRating, type InvoiceOptions, type RatingState } from "./rating.ts";
import { UsageCsvParser, type QuarantinedRow, type UsageFileError } from "./usage-csv.ts";

/** What a rating thread needs once: the file's header and how to price. */
export type RangeSetup = { file: string; header: Uint8Array; plan: PricePlan; options: InvoiceOptions };

/**
 * A part of a usage file to rate: the rows that start from `from` (or, unless `exact`, from the first line break at
 * or after it) up to the first row that starts at or after `to`.
 */
export type RangeTask = { from: number; to: number; exact: boolean };

export type RangeResult = {
  /** Where the first row read starts, and where the row after the last one read starts. */
  start: number;
  end: number;
  /** The line the row at `end` starts on, counting the header's lines first, as if the part followed the header. */
  nextLine: number;
  lines: number;
  quarantinedCount: number;
  /** The first `QUARANTINE_KEPT` of them, their lines counted the same way as `nextLine`. */
  quarantined: QuarantinedRow[];
  state: RatingState;
  error: UsageFileError | null;
};

const CHUNK_BYTES = 1024 * 1024;
const LF = 10;
/** Quarantined rows kept per part with their reasons; the rest are counted. */
export const QUARANTINE_KEPT = 1000;

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** Where the first line after the line break at or after `from - 1` starts; the file's size if there is none. */
async function lineStartFrom(handle: FileHandle, from: number): Promise<number> {
  for (let at = from - 1; ; at += CHUNK_BYTES) {
    const bytes = await readAt(handle, at, CHUNK_BYTES);
    if (bytes.length === 0) return at;
    const lf = bytes.indexOf(LF);
    if (lf !== -1) return at + lf + 1;
  }
}

/**
 * Rates one part of a usage file, reading the header first so columns are found by name as for a whole file. The
 * part's first row is assumed to start after a line break; `start` says where it was taken to start, so whoever
 * joins the parts can check it against the previous part's `end` (a line break inside a quoted field would differ).
 */
export async function rateRange(setup: RangeSetup, task: RangeTask): Promise<RangeResult> {
  const handle = await open(setup.file, "r");
  try {
    const start = task.exact ? task.from : await lineStartFrom(handle, task.from);
    const rating = createRating(setup.plan, setup.options);
    const quarantined: QuarantinedRow[] = [];
    let quarantinedCount = 0;
    const parser = new UsageCsvParser({
      line: rating.add,
      quarantine: (row) => {
        quarantinedCount++;
        if (quarantined.length < QUARANTINE_KEPT) quarantined.push(row);
      },
    });
    const header = Buffer.from(setup.header.buffer, setup.header.byteOffset, setup.header.byteLength);
    parser.stopAt(header.length + Math.max(0, task.to - start));
    parser.push(header);
    let position = start;
    // The next chunk is read while this one is parsed.
    let next = readAt(handle, position, CHUNK_BYTES);
    for (;;) {
      const chunk = await next;
      if (chunk.length === 0) break;
      position += chunk.length;
      next = readAt(handle, position, CHUNK_BYTES);
      parser.push(chunk);
      if (parser.stoppedAt >= 0 || parser.error) break;
    }
    await next;
    const read = parser.end();
    const stopped = parser.stoppedAt;
    return {
      start,
      end: stopped >= 0 ? stopped - header.length + start : position,
      nextLine: parser.nextLine,
      lines: read.ok ? read.value.lines : 0,
      quarantinedCount,
      quarantined,
      state: rating.state(),
      error: read.ok ? null : read.error,
    };
  } finally {
    await handle.close();
  }
}
