// `pcloud usage import` on a real database: the command line checked, and a download of a later billing period that
// holds only latent rows of an earlier month, given its period, joins those days instead of replacing them.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { generateUsageFile } from "../src/emulator/usage-generator/index.ts";
import { usageImportCommand } from "../src/modules/billing/usage/index.ts";
import type { Database } from "../src/platform/db/open-database.ts";
import { backends } from "./support/databases.ts";
import { field, readUsageCsv } from "./support/independent-billing.ts";
import { usageStore } from "./support/usage-store.ts";

/** Captures what the command writes. */
function io() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    streams: {
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t) },
    },
  };
}

const currentRows = async (database: Database, month: string) =>
  Number(
    (
      await database.query(
        `SELECT count(*)::int AS n FROM usage_rows r JOIN (
           SELECT DISTINCT ON (customer_id, usage_date) id FROM usage_snapshots
           WHERE month = $1 ORDER BY customer_id, usage_date, version DESC) s ON s.id = r.snapshot_id`,
        [month],
      )
    ).rows[0]?.["n"],
  );

for (const backend of backends()) {
  void describe(`pcloud usage import (${backend.name})`, () => {
    let dir: string;
    const files = { march: "", latentOnly: "" };
    let latentRows = 0;

    before(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), `pc-usage-command-${backend.name}-`));
      const generate = (month: string, file: string) =>
        generateUsageFile(
          {
            seed: 41,
            months: [month],
            size: { customers: 2 },
            shares: { late: 0.05, restated: 0, duplicates: 0, corrections: 0, pecChanges: 0 },
            currencies: ["USD"],
          },
          file,
        );
      files.march = path.join(dir, "march.csv");
      await generate("2025-03", files.march);
      const april = path.join(dir, "april.csv");
      await generate("2025-04", april);
      // April's download early on the 1st: nothing of April yet, only March's latent rows.
      const csv = readUsageCsv(april);
      const latent = csv.records.filter((r) => field(r, "UsageDate").startsWith("2025-03"));
      latentRows = latent.length;
      assert.ok(latentRows > 0);
      files.latentOnly = path.join(dir, "april-latent-only.csv");
      writeFileSync(files.latentOnly, `${csv.headerLine}\r\n${latent.map((r) => `${r.text}\r\n`).join("")}`);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const run = async (database: Database, args: string[]) => {
      const { out, streams } = io();
      let opened = false;
      const code = await usageImportCommand(args, streams, () => {
        opened = true;
        return Promise.resolve({ usage: usageStore(database), close: () => Promise.resolve() });
      });
      return { code, opened, ...out };
    };

    void test("a wrong --period is refused with how to write it, before the database is opened", async () => {
      const database = await backend.open();
      try {
        for (const bad of [["--period", "2025-13"], ["--period"], ["--period", "March"]]) {
          const r = await run(database, [files.march, ...bad]);
          assert.equal(r.code, 2);
          assert.equal(r.opened, false);
          assert.match(
            r.stderr,
            /--period needs the billing period .* written YYYY-MM, e\.g\. --period 2026-11/,
          );
        }
      } finally {
        await database.close();
      }
    });

    void test("a download of only latent rows, given its later period, joins the earlier month's days", async () => {
      const database = await backend.open();
      try {
        const march = await run(database, [files.march]);
        assert.equal(march.code, 0, march.stderr);
        assert.match(march.stdout, /billing period\s+2025-03/);
        const own = await currentRows(database, "2025-03");

        const latent = await run(database, [files.latentOnly, "--period", "2025-04", "--json"]);
        assert.equal(latent.code, 0, latent.stderr);
        const imported = (JSON.parse(latent.stdout) as { import: { billingPeriod: string } }).import;
        assert.equal(imported.billingPeriod, "2025-04");
        assert.equal(await currentRows(database, "2025-03"), own + latentRows, "March keeps its own rows");
      } finally {
        await database.close();
      }
    });
  });
}
