import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { lockDataDir } from "./data-dir-lock.ts";
import type { Db } from "./types.ts";

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

export type Database = {
  readonly db: Db;
  readonly kind: "pglite" | "postgres";
  /** Runs a raw SQL statement (used by health checks and tests). */
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
};

export type DatabaseOptions =
  | { kind: "postgres"; url: string; poolSize: number }
  | { kind: "pglite"; dataDir: string }
  | { kind: "pglite-memory"; loadDataDir?: Blob | File };

/** Any two processes migrating one PostgreSQL database at once wait for each other on this advisory lock. */
const MIGRATION_LOCK = 727_001;

/** Opens the database the configuration names and brings its schema up to date. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize });
    pool.on("error", () => undefined);
    const db = drizzlePg(pool) as unknown as Db;
    const lockClient = await pool.connect();
    try {
      await lockClient.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      await migratePg(drizzlePg(pool), { migrationsFolder });
    } finally {
      await lockClient.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
      lockClient.release();
    }
    return {
      db,
      kind: "postgres",
      query: async (text, params) => ({
        rows: (await pool.query(text, params)).rows as Record<string, unknown>[],
      }),
      close: () => pool.end(),
    };
  }
  const lock = options.kind === "pglite" ? lockDataDir(options.dataDir) : undefined;
  try {
    const lite =
      options.kind === "pglite"
        ? await PGlite.create(path.join(options.dataDir, "pglite"))
        : await PGlite.create(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
    const dl = drizzlePglite(lite);
    await migratePglite(dl, { migrationsFolder });
    return {
      db: dl as unknown as Db,
      kind: "pglite",
      query: async (text, params) => ({
        rows: (await lite.query<Record<string, unknown>>(text, params)).rows,
      }),
      close: async () => {
        await lite.close();
        lock?.release();
      },
    };
  } catch (e) {
    lock?.release();
    throw e;
  }
}

/** Dumps an in-memory PGlite database, so tests can start many databases from one migrated template. */
export async function dumpPglite(database: Database): Promise<Blob> {
  if (database.kind !== "pglite") throw new Error("only a PGlite database can be dumped");
  const lite = (database.db as unknown as { $client: PGlite }).$client;
  return lite.dumpDataDir("none");
}
