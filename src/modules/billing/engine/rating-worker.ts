/** A worker thread of `rateFileInParallel`: rates the parts of a usage file it is sent, one at a time. */
import { parentPort, workerData } from "node:worker_threads";
import { rateRange, type RangeSetup, type RangeTask } from "./range-rating.ts";

const port = parentPort;
if (!port) throw new Error("rating-worker.ts runs in a worker thread.");
const setup = workerData as RangeSetup;
port.on("message", (task: RangeTask) => {
  rateRange(setup, task).then(
    (result) => port.postMessage({ result }),
    (e: unknown) => port.postMessage({ failure: e instanceof Error ? e.message : String(e) }),
  );
});
