import { open } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { ok, err, type Result } from "../../../platform/result.ts";
import type { PricePlan } from "./price-plan.ts";
import { rateRange, type RangeResult, type RangeSetup, type RangeTask } from "./range-rating.ts";
import type { InvoiceOptions, Rating } from "./rating.ts";
import {
  UsageCsvParser,
  type QuarantinedRow,
  type UsageFileError,
  type UsageFileSummary,
} from "./usage-csv.ts";

/** Parts a file is cut into: small enough that threads that start late still get their share. */
const RANGE_BYTES = 16 * 1024 * 1024;
/** Smaller files are read by one thread: starting workers would cost more than it saves. */
export const PARALLEL_FROM_BYTES = 2 * RANGE_BYTES;
const HEADER_CHUNK_BYTES = 64 * 1024;

/** A rating thread: the calling thread itself, or a worker. */
type Rater = { rate(task: RangeTask): Promise<RangeResult>; close(): Promise<void> };

const WORKER_MODULE = new URL("./rating-worker.ts", import.meta.url).href;

/**
 * Worker threads do not inherit the loader that runs TypeScript, so the worker's first act is to register it
 * (tsx, as bin/pcloud.js does) before loading the worker module.
 */
function workerRater(setup: RangeSetup): Rater {
  const loader = import.meta.resolve("tsx/esm/api");
  const bootstrap = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_MODULE)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: setup });
  let pending: { resolve: (r: RangeResult) => void; reject: (e: Error) => void } | null = null;
  worker.on("message", (message: { result: RangeResult } | { failure: string }) => {
    const waiting = pending;
    pending = null;
    if ("result" in message) waiting?.resolve(message.result);
    else waiting?.reject(new Error(message.failure));
  });
  worker.on("error", (e) => {
    pending?.reject(e);
    pending = null;
  });
  worker.on("exit", (code) => {
    pending?.reject(new Error(`A rating worker stopped (exit code ${code}) before finishing its part.`));
    pending = null;
  });
  return {
    rate: (task) =>
      new Promise((resolve, reject) => {
        pending = { resolve, reject };
        worker.postMessage(task);
      }),
    close: async () => {
      await worker.terminate();
    },
  };
}

/** Reads the header, and only the header: its bytes and the line the first row starts on. */
async function readHeader(
  file: string,
): Promise<Result<{ header: Buffer; firstLine: number; columns: number; size: number }, UsageFileError>> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const parser = new UsageCsvParser({ line: () => {}, quarantine: () => {} });
    parser.stopAt(0);
    let position = 0;
    while (parser.stoppedAt < 0 && !parser.error && position < size) {
      const buffer = Buffer.allocUnsafe(HEADER_CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEADER_CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      parser.push(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    const ended = parser.stoppedAt < 0 ? parser.end() : null;
    if (parser.error) return err(parser.error);
    if (ended && !ended.ok) return err(ended.error);
    const length = parser.stoppedAt < 0 ? size : parser.stoppedAt;
    const header = Buffer.alloc(length);
    await handle.read(header, 0, length, 0);
    return ok({ header, firstLine: parser.nextLine, columns: parser.columnCount, size });
  } finally {
    await handle.close();
  }
}

/**
 * Rates one usage file on `threads` threads (this one and `threads - 1` workers), adding its rows to `into`. The
 * file is cut into parts at line breaks; each thread takes the next part when done with one; the results are joined
 * in file order. Where a part's guessed start is not where the previous part ended (a line break inside a quoted
 * field), the part is rated again from the right place, so the result is always the one reading the file start to
 * end gives. Quarantined rows come in file order with their lines, the first `QUARANTINE_KEPT` of each part.
 */
export async function rateFileInParallel(
  file: string,
  plan: PricePlan,
  options: InvoiceOptions,
  threads: number,
  into: Rating,
  onQuarantine: (row: QuarantinedRow) => void,
  { rangeBytes = RANGE_BYTES }: { rangeBytes?: number } = {},
): Promise<Result<UsageFileSummary, UsageFileError>> {
  const head = await readHeader(file);
  if (!head.ok) return head;
  const { header, firstLine, columns, size } = head.value;
  const setup: RangeSetup = { file, header, plan, options };
  const tasks: RangeTask[] = [];
  for (let from = header.length; from < size; from += rangeBytes)
    tasks.push({ from, to: Math.min(size, from + rangeBytes), exact: from === header.length });

  const raters: Rater[] = [
    { rate: (task) => rateRange(setup, task), close: () => Promise.resolve() },
    ...Array.from({ length: Math.max(0, Math.min(threads, tasks.length) - 1) }, () => workerRater(setup)),
  ];
  const results: RangeResult[] = [];
  let next = 0;
  try {
    await Promise.all(
      raters.map(async (rater) => {
        for (let i = next++; i < tasks.length; i = next++) {
          const task = tasks[i];
          if (task) results[i] = await rater.rate(task);
        }
      }),
    );
  } finally {
    await Promise.all(raters.map((r) => r.close()));
  }

  let lines = 0;
  let quarantined = 0;
  let lineOffset = 0;
  let previousEnd = header.length;
  for (const [i, task] of tasks.entries()) {
    let result = results[i];
    if (!result || result.start !== previousEnd)
      result = await rateRange(setup, { from: previousEnd, to: task.to, exact: true });
    if (result.error) return err(result.error);
    into.merge(result.state);
    lines += result.lines;
    quarantined += result.quarantinedCount;
    for (const row of result.quarantined) onQuarantine({ ...row, line: row.line + lineOffset });
    lineOffset += result.nextLine - firstLine;
    previousEnd = result.end;
  }
  return ok({ lines, quarantined, columns });
}
