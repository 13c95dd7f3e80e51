import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { actors, matrix, type Actor, type Outcome } from "./authorization-matrix.ts";
import { backends } from "./support/databases.ts";
import { type Auth, type Harness } from "./support/harness.ts";
import { createWorld, type World } from "./support/world.ts";
import { connectedHarness, worldConnections } from "./support/connected-harness.ts";
import { instantProvisioning } from "./support/onboarding-world.ts";

const outcomeOf = (status: number): Outcome | `status ${number}` =>
  status >= 200 && status < 300
    ? "ok"
    : status === 401
      ? "unauth"
      : status === 403
        ? "forbidden"
        : status === 404
          ? "hidden"
          : status === 409
            ? "conflict"
            : status === 410
              ? "gone"
              : status >= 300 && status < 400
                ? "redirect"
                : `status ${status}`;

for (const backend of backends()) {
  void describe(`authorization matrix on ${backend.name}`, () => {
    let h: Harness;
    let w: World;
    let n = 0;
    let close: () => Promise<void>;

    before(async () => {
      // Operations that reach Microsoft (a provider's live check) answer 2xx only with a world to reach.
      // Every caller tries unknown invitation tokens here: lift the guessing limit that S6 tests elsewhere.
      const connected = await connectedHarness(`authorization-${backend.name}`, await backend.open(), {
        INVITATION_MAX_FAILURES: "100000",
      });
      ({ h, close } = connected);
      // New-customer onboardings finish without waiting for Microsoft's provisioning delay.
      await instantProvisioning(connected.emu);
      w = await createWorld(h, worldConnections(connected.seed));
      // Past the expiring token's one-day lifetime.
      h.clock.advance(2 * 86_400_000);
    });
    after(() => close());

    async function authOf(actor: Actor): Promise<Auth> {
      switch (actor) {
        case "anonymous":
          return { kind: "anonymous" };
        case "readToken":
          return { kind: "token", secret: w.tokens.read };
        case "revokedToken":
          return { kind: "token", secret: w.tokens.revoked };
        case "expiredToken":
          return { kind: "token", secret: w.tokens.expiring };
        default:
          return h.sessionFor(w.ids[actor]);
      }
    }

    void test("every API operation has a row in the matrix, and every row is an operation", async () => {
      const doc = (await h.request({ kind: "anonymous" }, "GET", "/openapi.json")).json() as {
        paths: Record<string, Record<string, { operationId?: string }>>;
      };
      const ops = Object.entries(doc.paths)
        .filter(([p]) => p.startsWith("/api/v1/") || p.startsWith("/accounts/"))
        .flatMap(([, methods]) =>
          Object.values(methods).map((m) => m.operationId ?? "(operation without operationId)"),
        );
      assert.deepEqual([...ops].sort(), Object.keys(matrix).sort());
    });

    for (const [operation, row] of Object.entries(matrix)) {
      void test(`${operation}: each caller gets what the matrix says, and denials carry no data`, async () => {
        const mismatches: string[] = [];
        for (const actor of actors) {
          const attempt = await row.request(w, h, n++);
          const res = await h.request(await authOf(actor), attempt.method, attempt.url, attempt.body);
          const got = outcomeOf(res.status);
          if (got !== row.expect[actor])
            mismatches.push(`${actor}: expected ${row.expect[actor]}, got ${got} ${res.body.slice(0, 160)}`);
          if (got === "forbidden" || got === "hidden" || got === "unauth") {
            const body = res.json() as Record<string, unknown>;
            if (Object.keys(body).join() !== "error")
              mismatches.push(`${actor}: denial carried data: ${res.body.slice(0, 160)}`);
          }
        }
        assert.deepEqual(mismatches, []);
      });
    }

    void test("an unknown migration invitation link is unknown to every caller alike, and says to use the latest mail", async () => {
      const link = `/api/v1/migration-invitations/${"B".repeat(43)}`;
      const wrong: string[] = [];
      for (const actor of actors)
        for (const [method, url, body] of [
          ["GET", link, undefined],
          ["POST", `${link}/decline`, { reason: "Not us" }],
        ] as const) {
          const res = await h.request(await authOf(actor), method, url, body);
          const error = (res.json() as { error?: { code: string; message: string } }).error;
          if (res.status !== 404 || error?.code !== "invitation_link_unknown")
            wrong.push(`${actor} ${method}: ${res.status} ${res.body.slice(0, 160)}`);
          else if (!/latest mail/.test(error.message)) wrong.push(`${actor} ${method}: ${error.message}`);
        }
      assert.deepEqual(wrong, []);
    });

    void test("no list or read by a member of organization A returns anything of organization B", async () => {
      const bIds = [w.orgB.id, w.ccB.id, w.wsB.id, w.ids.otherOrgAdmin];
      const aActors: Actor[] = [
        "wsVisitor",
        "wsUser",
        "wsAuthor",
        "wsAdmin",
        "ccAdmin",
        "otherCcAdmin",
        "orgAdmin",
        "readToken",
      ];
      const reads = [
        "/api/v1/organizations",
        "/api/v1/me/contexts",
        `/api/v1/organizations/${w.orgA.id}/cost-centers`,
        `/api/v1/organizations/${w.orgA.id}/workspaces`,
        `/api/v1/organizations/${w.orgA.id}/workspaces?costCenterId=${w.ccB.id}`,
        `/api/v1/organizations/${w.orgA.id}/users`,
        `/api/v1/organizations/${w.orgA.id}/invitations`,
        `/api/v1/organizations/${w.orgA.id}/audit-events`,
        `/api/v1/workspaces/${w.ws1.id}/members`,
      ];
      for (const actor of aActors)
        for (const url of reads) {
          const res = await h.request(await authOf(actor), "GET", url);
          for (const id of bIds) assert.ok(!res.body.includes(id), `${actor} GET ${url} leaked ${id}`);
        }
    });

    void test("ids of organization B nested under organization A's objects are refused", async () => {
      const admin = await authOf("orgAdmin");
      const ws = await h.request(admin, "POST", `/api/v1/organizations/${w.orgA.id}/workspaces`, {
        name: "Sneaky",
        costCenterId: w.ccB.id,
      });
      assert.equal(ws.status, 400);
      assert.equal((ws.json() as { error: { code: string } }).error.code, "invalid_reference");
      const member = await h.request(
        admin,
        "PUT",
        `/api/v1/workspaces/${w.ws1.id}/members/${w.ids.otherOrgAdmin}`,
        { role: "admin" },
      );
      assert.equal(member.status, 400);
      const ccAdmin = await h.request(
        admin,
        "PUT",
        `/api/v1/cost-centers/${w.cc1.id}/admins/${w.ids.otherOrgAdmin}`,
      );
      assert.equal(ccAdmin.status, 400);
      const invite = await h.request(admin, "POST", `/api/v1/organizations/${w.orgA.id}/invitations`, {
        email: "x@a.test",
        orgRole: "member",
        workspaceId: w.wsB.id,
      });
      assert.equal(invite.status, 400);
      const bAdmin = await authOf("otherOrgAdmin");
      for (const url of [
        `/api/v1/cost-centers/${w.cc1.id}`,
        `/api/v1/workspaces/${w.ws1.id}`,
        `/api/v1/workspaces/${w.ws1.id}/members`,
      ])
        assert.equal((await h.request(bAdmin, "GET", url)).status, 404, url);
    });
  });
}
