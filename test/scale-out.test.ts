import assert from "node:assert/strict";
import { test } from "node:test";
import { readdir } from "node:fs/promises";
import { migrationsFolder, openDatabase, type Database } from "../src/platform/db/open-database.ts";
import type { Mailer, OutgoingMail } from "../src/integrations/mail/index.ts";
import { scratchPostgres } from "./support/databases.ts";
import { createHarness, must, passwordHash } from "./support/harness.ts";

const base = process.env["DATABASE_URL"];
const skip = base ? false : "needs PostgreSQL: set DATABASE_URL";

const scratchDatabase = () => scratchPostgres(base ?? "", "pc_scale");

void test(
  "processes starting together on one PostgreSQL database migrate it once and then share sessions",
  { skip },
  async () => {
    const scratch = await scratchDatabase();
    const opened: Database[] = await Promise.all(
      [1, 2, 3].map(() => openDatabase({ kind: "postgres", url: scratch.url, poolSize: 3 })),
    );
    try {
      const [first, second] = opened;
      assert.ok(first && second);
      const applied = await first.query("SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations");
      const migrations = (await readdir(migrationsFolder)).filter((f) => f.endsWith(".sql"));
      assert.equal(applied.rows[0]?.["n"], migrations.length, "each migration recorded once");
      const a = await createHarness(first);
      const b = await createHarness(second);
      const setup = must(
        await a.modules.tenancy.setup.complete(
          { partnerName: "P", name: "Op", email: "op@p.test", passwordHash },
          null,
        ),
      );
      const login = await a.request({ kind: "anonymous" }, "POST", "/api/v1/auth/login", {
        email: "op@p.test",
        password: "correct horse battery staple",
      });
      assert.equal(login.status, 200);
      const secret = /__Host-pc_session=([^;]+)/.exec(String(login.headers["set-cookie"]))?.[1] ?? "";
      const { csrfToken } = login.json() as { csrfToken: string };
      const onB = await b.request(
        { kind: "session", secret, csrf: csrfToken },
        "POST",
        "/api/v1/organizations",
        { name: "Made on B" },
      );
      assert.equal(onB.status, 201);
      const listedOnA = await a.request(
        { kind: "session", secret, csrf: csrfToken },
        "GET",
        "/api/v1/organizations",
      );
      assert.match(listedOnA.body, /Made on B/);
      const logout = await b.request(
        { kind: "session", secret, csrf: csrfToken },
        "POST",
        "/api/v1/auth/logout",
      );
      assert.equal(logout.status, 204);
      assert.equal(
        (await a.request({ kind: "session", secret, csrf: csrfToken }, "GET", "/api/v1/organizations"))
          .status,
        401,
      );
      assert.ok(setup.userId);
      await a.close();
      await b.close();
    } finally {
      for (const d of opened) await d.close();
      await scratch.drop();
    }
  },
);

void test("two workers delivering one outbox send every mail exactly once", { skip }, async () => {
  const scratch = await scratchDatabase();
  const dbs = await Promise.all(
    [1, 2].map(() => openDatabase({ kind: "postgres", url: scratch.url, poolSize: 4 })),
  );
  try {
    const [one, two] = dbs;
    assert.ok(one && two);
    const h1 = await createHarness(one);
    const h2 = await createHarness(two);
    for (let i = 0; i < 40; i++)
      await h1.modules.notifications.enqueueMail(h1.database.db, {
        to: [`u${i}@x.test`],
        subject: `m${i}`,
        text: "hello",
      });
    const sent: string[] = [];
    const slowMailer: Mailer = {
      async send(m: OutgoingMail) {
        await new Promise((r) => setTimeout(r, 5));
        sent.push(m.subject);
      },
      close: () => Promise.resolve(),
    };
    const counts = await Promise.all([
      h1.modules.notifications.deliverDue(slowMailer, 100),
      h2.modules.notifications.deliverDue(slowMailer, 100),
    ]);
    assert.equal(counts[0] + counts[1], 40);
    assert.equal(new Set(sent).size, 40);
    assert.equal(sent.length, 40);
    assert.ok(counts[0] > 0 && counts[1] > 0, `both workers took part: ${counts.join(", ")}`);
    await h1.close();
    await h2.close();
  } finally {
    for (const d of dbs) await d.close();
    await scratch.drop();
  }
});
