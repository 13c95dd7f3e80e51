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

/** A scratch database on the server DATABASE_URL names, dropped when closed. */
function postgres(url: string): Backend {
  return {
    name: "postgres",
    async open() {
      const name = `pc_test_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const scratch = new URL(url);
      scratch.pathname = `/${name}`;
      const db = await openDatabase({ kind: "postgres", url: scratch.toString(), poolSize: 5 });
      return {
        ...db,
        async close() {
          await db.close();
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await c.end();
        },
      };
    },
  };
}

export function backends(): Backend[] {
  const url = process.env["DATABASE_URL"];
  return url ? [pglite, postgres(url)] : [pglite];
}
