import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { DAILY_RATED_USAGE_COLUMNS } from "../../src/modules/billing/engine/index.ts";

export type CopyOutcome =
  | { ok: true; rows: number; seconds: number; rowsPerSecond: number; tableMb: number }
  | { ok: false; reason: string };

const NUMERIC_COLUMNS: ReadonlySet<string> = new Set([
  "UnitPrice",
  "Quantity",
  "BillingPreTaxTotal",
  "PricingPreTaxTotal",
  "EffectiveUnitPrice",
  "PCToBCExchangeRate",
  "PartnerEarnedCreditPercentage",
  "CreditPercentage",
]);
const TIMESTAMP_COLUMNS: ReadonlySet<string> = new Set([
  "ChargeStartDate",
  "ChargeEndDate",
  "UsageDate",
  "PCToBCExchangeRateDate",
]);

const typeOf = (column: string) =>
  NUMERIC_COLUMNS.has(column) ? "numeric" : TIMESTAMP_COLUMNS.has(column) ? "timestamptz" : "text";

/**
 * Streams the usage file into a scratch table of the database `url` names with `COPY … FROM STDIN (FORMAT csv,
 * HEADER MATCH)` and times it: the 55 columns by name, the amounts `numeric` (exact, as ingestion keeps them), the
 * dates `timestamptz`, the rest `text`, in an ordinary (logged) table as ingestion would write. The table is dropped
 * afterwards. When the server cannot be reached, says why instead.
 */
export async function copyIntoPostgres(url: string, file: string): Promise<CopyOutcome> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (e) {
    return { ok: false, reason: `PostgreSQL at ${new URL(url).host} cannot be reached: ${String(e)}` };
  }
  const table = `billing_bench_usage_${randomBytes(6).toString("hex")}`;
  try {
    const columns = DAILY_RATED_USAGE_COLUMNS.map((c) => `"${c}" ${typeOf(c)}`).join(", ");
    await client.query(`CREATE TABLE ${table} (${columns})`);
    const started = performance.now();
    const copy = client.query(copyFrom(`COPY ${table} FROM STDIN (FORMAT csv, HEADER MATCH)`));
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), copy);
    const seconds = (performance.now() - started) / 1000;
    const size = await client.query<{ bytes: string }>(
      `SELECT pg_total_relation_size('${table}')::text AS bytes`,
    );
    return {
      ok: true,
      rows: copy.rowCount,
      seconds,
      rowsPerSecond: Math.round(copy.rowCount / seconds),
      tableMb: Math.round(Number(size.rows[0]?.bytes ?? 0) / 1_048_576),
    };
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  }
}
