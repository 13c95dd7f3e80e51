import { randomBytes } from "node:crypto";
import pg from "pg";
import { dumpPglite, openDatabase, type Database } from "../../src/platform/db/open-database.ts";

/**
 * The databases the data layer is tested on: embedded PGlite always, and PostgreSQL when DATABASE_URL is set
 * (CI sets it). Each call gives a fresh, migrated database of its own.
 */
export type Backend = { name: "pglite" | "postgres"; open(): Promise<Database> };

let template: Promise<Blob> | undefined;

async function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const db = await openDatabase({ kind: "pglite-memory" });
    const dump = await dumpPglite(db);
    await db.close();
    return dump;
  })();
  return template;
}

const pglite: Backend = {
  name: "pglite",
  open: async () => openDatabase({ kind: "pglite-memory", loadDataDir: await pgliteTemplate() }),
};

/** An empty database of its own on the server `url` names (created from a connection to it), and how to drop it. */
export async function scratchPostgres(
  url: string,
  prefix = "pc_test",
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const run = async (statement: string) => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(statement);
    } finally {
      await admin.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  return { url: scratch.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A scratch database on the server DATABASE_URL names, migrated, and dropped when closed. */
function postgres(url: string): Backend {
  return {
    name: "postgres",
    async open() {
      const scratch = await scratchPostgres(url);
      const db = await openDatabase({ kind: "postgres", url: scratch.url, poolSize: 5 });
      return {
        ...db,
        async close() {
          await db.close();
          await scratch.drop();
        },
      };
    },
  };
}

export function backends(): Backend[] {
  const url = process.env["DATABASE_URL"];
  return url ? [pglite, postgres(url)] : [pglite];
}
