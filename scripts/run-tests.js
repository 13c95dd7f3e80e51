// Runs every test file (unit tests beside their source, integration and browser tests under test/) with node's
// test runner. The TAP summary (`# pass N`, `# fail N`) is the last thing printed.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import process from "node:process";

const roots = ["src", "test"];
const files = roots
  .flatMap((root) => readdirSync(root, { recursive: true, encoding: "utf8" }).map((f) => `${root}/${f}`))
  .filter((f) => f.endsWith(".test.ts"))
  .sort();
const only = process.argv.slice(2);
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;

const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    "--test-reporter=tap",
    "--test-concurrency=2",
    "--test-force-exit",
    ...selected,
  ],
  { stdio: "inherit", env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" } },
);
process.exit(result.status ?? 1);
