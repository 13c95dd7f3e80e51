import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { err, ok, type Result } from "../../../platform/result.ts";
import { UsageCsvParser, type QuarantinedRow, type UsageFileError } from "../engine/index.ts";
import type { ImportStore, UsageImport } from "./import-store.ts";
import { rowFromUsageLine, type StagedRow } from "./usage-row.ts";
import type { UsageError } from "./errors.ts";

/** Bytes read at a time: about a tenth of a batch (a row is about a kilobyte), so batches end near their size. */
const chunkBytesFor = (batchRows: number) => Math.min(1024 * 1024, Math.max(16 * 1024, batchRows * 128));

/** After each committed batch: how far the import got (a progress report; tests stop an import here). */
export type BatchCommitted = { importId: string; batch: number; line: number; offset: number };

export type StagingHooks = { onBatch?: (progress: BatchCommitted) => void | Promise<void> };

/** The file's SHA-256, streamed; null when it cannot be read. */
export async function fileSha256(path: string): Promise<string | null> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }))
      hash.update(chunk as Buffer);
  } catch {
    return null;
  }
  return hash.digest("hex");
}

/** The header's bytes (up to where the first row starts) and the line the first row starts on. */
async function readHeader(
  path: string,
): Promise<Result<{ header: Buffer; firstLine: number }, UsageFileError>> {
  const handle = await open(path, "r");
  try {
    const parser = new UsageCsvParser(
      { line: () => undefined, quarantine: () => undefined },
      { detail: true },
    );
    parser.stopAt(0);
    let position = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(64 * 1024);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      parser.push(buffer.subarray(0, bytesRead));
      position += bytesRead;
      if (parser.stoppedAt >= 0 || parser.error) break;
    }
    if (parser.stoppedAt < 0) {
      const ended = parser.end();
      if (!ended.ok) return err(ended.error);
    }
    if (parser.error) return err(parser.error);
    const length = parser.stoppedAt < 0 ? position : parser.stoppedAt;
    const header = Buffer.alloc(length);
    await handle.read(header, 0, length, 0);
    return ok({ header, firstLine: parser.nextLine });
  } finally {
    await handle.close();
  }
}

/**
 * Stages a file's rows from where the import's last committed batch ended, batch by batch. The header is read
 * first (columns by name), then the file from `committed_offset`, numbering lines from `committed_line + 1`, so a
 * resumed import stages the same rows, with the same lines, as one that was never interrupted. A file that is not
 * usage at all fails the import.
 */
export async function stageFile(
  store: ImportStore,
  imported: UsageImport,
  path: string,
  options: { batchRows: number; hooks: StagingHooks },
): Promise<Result<void, UsageError>> {
  const head = await readHeader(path);
  if (!head.ok) {
    await store.fail(imported.id, head.error);
    return head;
  }
  const { header, firstLine } = head.value;
  const resumed = imported.committedOffset > 0;
  const start = resumed ? imported.committedOffset : header.length;
  const lineDelta = (resumed ? imported.committedLine + 1 : firstLine) - firstLine;
  const fileOffset = (streamOffset: number) => start + streamOffset - header.length;

  let rows: StagedRow[] = [];
  let quarantined: QuarantinedRow[] = [];
  const parser = new UsageCsvParser(
    {
      line: (line) => {
        const row = rowFromUsageLine(line);
        row.line += lineDelta;
        rows.push(row);
      },
      quarantine: (row) => quarantined.push({ ...row, line: row.line + lineDelta }),
    },
    { detail: true },
  );
  parser.push(header);

  let from = imported.committedOffset;
  let batch = 0;
  const commit = async (end: { line: number; offset: number }, last: boolean) => {
    const taken = { rows, quarantined };
    rows = [];
    quarantined = [];
    await store.commitBatch(imported.id, { from, end, ...taken, last });
    from = end.offset;
    batch++;
    await options.hooks.onBatch?.({ importId: imported.id, batch, ...end });
  };

  let streamed = header.length;
  for await (const chunk of createReadStream(path, {
    start,
    highWaterMark: chunkBytesFor(options.batchRows),
  })) {
    const bytes = chunk as Buffer;
    streamed += bytes.length;
    parser.push(bytes);
    if (parser.error) break;
    const readTo = parser.readTo;
    if (rows.length + quarantined.length >= options.batchRows && readTo >= 0)
      await commit({ line: parser.nextLine - 1 + lineDelta, offset: fileOffset(readTo) }, false);
  }
  const ended = parser.end();
  if (!ended.ok) {
    await store.fail(imported.id, ended.error);
    return ended;
  }
  await commit({ line: parser.nextLine - 1 + lineDelta, offset: fileOffset(streamed) }, true);
  return ok(undefined);
}
