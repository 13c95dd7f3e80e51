import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startProduct as startProcess } from "../support/product-process.ts";

export type RunningProduct = {
  url: string;
  dataDir: string;
  /** What the product printed so far; attached to failures to explain them. */
  output: () => string;
  stop: () => Promise<void>;
};

/**
 * Starts the real product (`pcloud start`) on a free port with a fresh data directory and the embedded PGlite
 * database, without scheduled usage pulls, and fails unless `GET /readyz` answers 200.
 */
export async function startProduct(): Promise<RunningProduct> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "pc-browser-"));
  // Scheduled usage pulls off: a pull in the middle of a test would add the emulator's usage to what it bills.
  const product = await startProcess(["start"], {
    DATA_DIR: dataDir,
    DATABASE_URL: "",
    USAGE_PULL_MINUTES: "off",
  });
  const stop = async () => {
    await product.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  const ready = await fetch(`${product.url}/readyz`).then(
    (r) => r.status === 200,
    () => false,
  );
  if (!ready) {
    await stop();
    throw new Error(`The product did not become ready:\n${product.output()}`);
  }
  return { url: product.url, dataDir, output: product.output, stop };
}
