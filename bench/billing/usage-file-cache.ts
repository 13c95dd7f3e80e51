import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  DEFAULT_CURRENCIES,
  expectedFileOf,
  generateUsageFile,
} from "../../src/emulator/usage-generator/index.ts";

/** Generated files are kept here between runs when asked (`--keep`), one per seed, month and size. */
export const USAGE_FILE_FOLDER = path.join(os.tmpdir(), "partner-cloud-bench", "billing");

/** The generator's default shares of irregular rows (billing-data.md §6.2). */
const SHARES = { late: 0.01, restated: 0.002, duplicates: 0.001, corrections: 0.0005, pecChanges: 0.05 };

export type UsageFile = {
  file: string;
  expectedFile: string;
  bytes: number;
  /** False when an earlier run's file was reused. */
  generated: boolean;
  remove(): void;
};

/**
 * A Partner Center daily rated usage file of at least `rows` rows (55 columns, every billing currency the generator
 * knows), generated from `seed`, or the one an earlier run kept. A file is written under a temporary name and
 * renamed when complete, so an interrupted run never leaves a partial file to reuse.
 */
export async function usageFile(
  { seed, month, rows }: { seed: number; month: string; rows: number },
  note: (line: string) => void,
): Promise<UsageFile> {
  mkdirSync(USAGE_FILE_FOLDER, { recursive: true });
  const file = path.join(USAGE_FILE_FOLDER, `usage-seed${seed}-${month}-${rows}.csv`);
  const expectedFile = expectedFileOf(file);
  const remove = () => {
    rmSync(file, { force: true });
    rmSync(expectedFile, { force: true });
  };
  if (existsSync(file) && existsSync(expectedFile)) {
    note(`reusing ${file}`);
    return { file, expectedFile, bytes: statSync(file).size, generated: false, remove };
  }
  const partial = path.join(
    USAGE_FILE_FOLDER,
    `usage-seed${seed}-${month}-${rows}.partial-${process.pid}.csv`,
  );
  note(`generating ${rows.toLocaleString("en")} rows into ${file}`);
  const started = performance.now();
  try {
    await generateUsageFile(
      {
        seed,
        months: [month],
        size: { rows },
        shares: SHARES,
        currencies: [...DEFAULT_CURRENCIES],
      },
      partial,
      (written) => {
        if (written % 1_000_000 === 0) note(`  ${written.toLocaleString("en")} rows written`);
      },
    );
    renameSync(expectedFileOf(partial), expectedFile);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
    rmSync(expectedFileOf(partial), { force: true });
  }
  note(`generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return { file, expectedFile, bytes: statSync(file).size, generated: true, remove };
}

/** Reads the file once, untimed, so every timed run finds it in the page cache alike. Returns the bytes read. */
export async function warmPageCache(file: string): Promise<number> {
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 4 << 20 }))
    bytes += (chunk as Buffer).length;
  return bytes;
}
