// A usage import in a process of its own, killed with SIGKILL right after it commits batch `killAfter`: the
// parent checks that importing the file again converges to the rows of an import never interrupted.
import { openDatabase } from "../../src/platform/db/open-database.ts";
import { usageStore } from "./usage-store.ts";

const [url = "", file = "", batchRows = "100", killAfter = "1"] = process.argv.slice(2);
const database = await openDatabase({ kind: "postgres", url, poolSize: 2 });
const usage = usageStore(database, Number(batchRows));
await usage.importUsageFile(file, {
  kind: "unbilled",
  startedBy: "child",
  hooks: {
    onBatch: ({ batch }) => {
      if (batch === Number(killAfter)) process.kill(process.pid, "SIGKILL");
    },
  },
});
await database.close();
