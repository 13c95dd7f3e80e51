// Pulls of Microsoft's unbilled and billed usage against the emulator, through Graph's billing export and Partner
// Center's v1 paged API with the real adapters: both give the same snapshots, and pulling again adds no version.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import type { DemoSeed, RunningEmulator } from "../src/emulator/index.ts";
import { createAuditLog } from "../src/modules/audit/index.ts";
import { createBillingUsage } from "../src/modules/billing/usage/index.ts";
import { systemClock } from "../src/platform/clock.ts";
import type { Database } from "../src/platform/db/open-database.ts";
import { backends } from "./support/databases.ts";
import { emulatorClient, meteredCustomer } from "./support/emulator-client.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";
import { integrationsFor } from "./support/test-integrations.ts";
import type { Integrations } from "../src/main/microsoft.ts";

const snapshotsOf = async (database: Database) =>
  (
    await database.query(
      "SELECT customer_id, usage_date, version, billed, row_count, periods FROM usage_snapshots ORDER BY 1, 2, 3",
    )
  ).rows;

for (const backend of backends()) {
  void describe(`usage pulls from the emulator (${backend.name})`, () => {
    let emu: RunningEmulator;
    let seed: DemoSeed;
    let integrations: Integrations;
    let closeIntegrations: () => void;

    before(async () => {
      ({ emu, seed } = await startSeededEmulator(`usage-pulls-${backend.name}`));
      ({ integrations, close: closeIntegrations } = await integrationsFor(emu, seed, systemClock));
      await meteredCustomer(emu, seed, {
        prefix: `pullcust${randomUUID().slice(0, 6)}`,
        companyName: "Pull Customer",
      });
      const client = emulatorClient(emu);
      await client.request("POST", "/_emulator/clock", { json: { advanceSeconds: 3 * 86_400 } });
    });
    after(async () => {
      closeIntegrations();
      await emu.close();
    });

    const store = (database: Database, source: "graph" | "partner-center") =>
      createBillingUsage({
        db: database.db,
        clock: systemClock,
        audit: createAuditLog({ db: database.db, clock: systemClock }),
        dialect: database.kind,
        source,
        microsoft: { partnerCenter: integrations.partnerCenter, graph: integrations.graph },
      });

    void test("an unbilled pull through Graph and one through Partner Center v1 give the same snapshots; pulling again adds no version", async () => {
      const viaGraph = await backend.open();
      const viaPartnerCenter = await backend.open();
      try {
        const graphPull = await store(viaGraph, "graph").pullUnbilled({ period: "current" });
        assert.ok(graphPull.ok, JSON.stringify(graphPull));
        assert.equal(graphPull.value.source, "graph");
        assert.equal(graphPull.value.state, "done");
        assert.ok(graphPull.value.rowsStaged > 0);
        assert.equal(graphPull.value.rowsQuarantined, 0);
        const pcPull = await store(viaPartnerCenter, "partner-center").pullUnbilled({ period: "current" });
        assert.ok(pcPull.ok, JSON.stringify(pcPull));
        assert.equal(pcPull.value.source, "partner_center");
        assert.equal(pcPull.value.rowsStaged, graphPull.value.rowsStaged);
        const snapshots = await snapshotsOf(viaGraph);
        assert.ok(snapshots.length > 0);
        assert.deepEqual(await snapshotsOf(viaPartnerCenter), snapshots, "the same days, rows and content");

        const again = await store(viaGraph, "graph").pullUnbilled({ period: "current" });
        assert.ok(again.ok);
        assert.notEqual(again.value.id, graphPull.value.id, "a pull is an import of its own");
        assert.equal(again.value.snapshotsCreated, 0);
        assert.equal(again.value.snapshotsUnchanged, graphPull.value.snapshotsCreated);
        assert.deepEqual(await snapshotsOf(viaGraph), snapshots);
      } finally {
        await viaGraph.close();
        await viaPartnerCenter.close();
      }
    });

    void test("once Microsoft invoices the month, the new invoices' billed usage is pulled and the month is final", async () => {
      const database = await backend.open();
      try {
        const usage = store(database, "graph");
        const unbilled = await usage.pullUnbilled({ period: "current" });
        assert.ok(unbilled.ok);
        const month = (await database.query("SELECT min(month) AS m FROM usage_snapshots")).rows[0]?.[
          "m"
        ] as string;
        const client = emulatorClient(emu);
        const now = new Date(
          Date.parse(String((await client.request("GET", "/_emulator/clock")).body["now"])),
        );
        const closed = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 9);
        await client.request("POST", "/_emulator/clock", {
          json: { advanceSeconds: Math.ceil((closed - now.getTime()) / 1000) },
        });
        const billed = await usage.pullNewInvoices();
        assert.deepEqual(billed.failures, []);
        assert.ok(billed.imports.length > 0);
        assert.ok(
          billed.imports.every((i) => i.kind === "billed" && i.state === "done" && i.microsoftInvoiceId),
        );
        const states = await usage.monthStates(month);
        assert.ok(states.length > 0);
        assert.ok(
          states.every((s) => s.state === "final"),
          JSON.stringify(states),
        );
        const none = await usage.pullNewInvoices();
        assert.deepEqual(none.imports, [], "an invoice already pulled is not pulled again");
      } finally {
        await database.close();
      }
    });

    void test("a worker pulls when a pull is due and not again within the interval, and recovers pulls a stopped worker left", async () => {
      const database = await backend.open();
      const count = async (where: string) =>
        Number(
          (await database.query(`SELECT count(*) AS n FROM usage_imports WHERE ${where}`)).rows[0]?.["n"],
        );
      const scheduled = "started_by = 'system' AND kind = 'unbilled'";
      const runSchedule = async (until: () => Promise<boolean>) => {
        const schedule = store(database, "graph").startPulls({ intervalMs: 3_600_000, checkMs: 25 });
        try {
          const deadline = Date.now() + 30_000;
          while (!(await until()) && Date.now() < deadline) await sleep(50);
          await sleep(250); // ten more checks
        } finally {
          await schedule.stop();
        }
      };
      try {
        await runSchedule(async () => (await count(`${scheduled} AND state = 'done'`)) >= 2);
        assert.equal(
          await count(scheduled),
          2,
          "the previous and the current period, once: the next pull is due in an hour",
        );

        // A worker stopped in the middle of two pulls: one still staging, one publishing a changed day.
        const [latest] = (
          await database.query(
            `SELECT id FROM usage_imports WHERE ${scheduled} ORDER BY started_at DESC, id DESC LIMIT 1`,
          )
        ).rows;
        const stalled = (id: string, state: string) =>
          database.query(
            `INSERT INTO usage_imports (id, source, kind, key, label, state, started_by, started_at, updated_at)
             VALUES ($1, 'graph', 'unbilled', $1, 'Unbilled usage, current period (USD)', $2, 'system',
                     now() - interval '2 hours', now() - interval '1 hour')`,
            [id, state],
          );
        await stalled("uim_stalled_staging", "staging");
        await stalled("uim_stalled_publishing", "publishing");
        await database.query(
          `INSERT INTO usage_import_rows
           SELECT (jsonb_populate_record(r, jsonb_build_object('import_id', 'uim_stalled_publishing'))).*
           FROM usage_import_rows r WHERE r.import_id = $1`,
          [latest?.["id"]],
        );
        await database.query(
          `UPDATE usage_import_rows SET quantity = '12345'
           WHERE import_id = 'uim_stalled_publishing'
             AND line = (SELECT min(line) FROM usage_import_rows WHERE import_id = 'uim_stalled_publishing')`,
        );
        await runSchedule(async () => (await count("state IN ('staging', 'publishing')")) === 0);

        const recovered: Record<string, Record<string, unknown>> = Object.fromEntries(
          (
            await database.query(
              "SELECT id, state, error, snapshots_created FROM usage_imports WHERE id LIKE 'uim_stalled_%'",
            )
          ).rows.map((r) => [String(r["id"]), r]),
        );
        assert.equal(recovered["uim_stalled_staging"]?.["state"], "failed");
        assert.equal(
          (recovered["uim_stalled_staging"]?.["error"] as { code: string } | null)?.code,
          "usage_pull_interrupted",
        );
        assert.equal(recovered["uim_stalled_publishing"]?.["state"], "done");
        assert.equal(
          recovered["uim_stalled_publishing"]?.["snapshots_created"],
          1,
          "the changed day, no other",
        );
        assert.equal(
          await count(scheduled),
          4,
          "recovering is not pulling again: the next pull is still an hour away",
        );
      } finally {
        await database.close();
      }
    });
  });
}
