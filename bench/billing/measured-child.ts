import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { RunReport } from "./customer-totals.ts";

export type MeasuredRun = RunReport & {
  /** From starting the process to its exit: Node's start, loading the code, the run and writing its report. */
  processSeconds: number;
};

/**
 * Runs one of this folder's run scripts (`engine-run.ts`, `duckdb-run.ts`) in a process of its own, so its peak
 * resident memory is its own and nothing of an earlier run is warm in it, and reads the report it prints last.
 */
export function runMeasured(script: string, args: readonly string[]): Promise<MeasuredRun> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", path, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  const errors: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => errors.push(chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const processSeconds = (performance.now() - started) / 1000;
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(" ")} exited ${code}: ${Buffer.concat(errors).toString()}`));
        return;
      }
      const lines = Buffer.concat(out).toString().trim().split("\n");
      try {
        resolve({ ...RunReport.parse(JSON.parse(lines.at(-1) ?? "")), processSeconds });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}
