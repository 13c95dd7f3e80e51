import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";

/** A database handle that both drivers (PGlite and node-postgres) satisfy. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

/** A transaction on either driver. Inside a transaction every query must go through it (PGlite deadlocks otherwise). */
export type Tx = PgTransaction<
  PgQueryResultHKT,
  Record<string, never>,
  ExtractTablesWithRelations<Record<string, never>>
>;

/** Either a whole database or a transaction: what a query needs to run. */
export type Executor = Db | Tx;
