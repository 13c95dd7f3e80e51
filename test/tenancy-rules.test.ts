import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { backends } from "./support/databases.ts";
import { createHarness, type Auth, type Harness } from "./support/harness.ts";
import { createWorld, type World } from "./support/world.ts";

type Body = Record<string, unknown> & { error?: { code: string; message: string } };
type Page<T> = { items: T[]; nextCursor: string | null };

for (const backend of backends()) {
  void describe(`organization model rules on ${backend.name}`, () => {
    let h: Harness;
    let w: World;
    let admin: Auth;

    before(async () => {
      h = await createHarness(await backend.open());
      w = await createWorld(h);
      admin = await h.sessionFor(w.ids.orgAdmin);
    });
    after(async () => {
      await h.close();
      await h.database.close();
    });

    void test("a new organization starts with a Default cost center that cannot be deleted", async () => {
      const op = await h.sessionFor(w.ids.operator);
      const org = (await h.request(op, "POST", "/api/v1/organizations", { name: "Contoso" })).json() as {
        id: string;
        costCenterCount: number;
      };
      assert.equal(org.costCenterCount, 1);
      const ccs = (
        await h.request(op, "GET", `/api/v1/organizations/${org.id}/cost-centers`)
      ).json() as Page<{ id: string; name: string; isDefault: boolean }>;
      assert.deepEqual(
        ccs.items.map((c) => [c.name, c.isDefault]),
        [["Default", true]],
      );
      const del = await h.request(op, "DELETE", `/api/v1/cost-centers/${ccs.items[0]?.id ?? ""}`);
      assert.equal(del.status, 409);
      assert.equal((del.json() as Body).error?.code, "default_cost_center");
      const dup = await h.request(op, "POST", "/api/v1/organizations", { name: "contoso" });
      assert.equal(dup.status, 409, "names are unique regardless of case");
    });

    void test("an organization's counts match its lists, in the list of organizations and alone", async () => {
      const op = await h.sessionFor(w.ids.operator);
      const size = async (url: string) =>
        ((await h.request(op, "GET", `${url}?limit=200`)).json() as Page<unknown>).items.length;
      const expected = {
        costCenterCount: await size(`/api/v1/organizations/${w.orgA.id}/cost-centers`),
        workspaceCount: await size(`/api/v1/organizations/${w.orgA.id}/workspaces`),
        userCount: await size(`/api/v1/organizations/${w.orgA.id}/users`),
      };
      assert.deepEqual(expected, { costCenterCount: 3, workspaceCount: 10, userCount: 8 });
      const alone = (await h.request(op, "GET", `/api/v1/organizations/${w.orgA.id}`)).json() as Record<
        string,
        unknown
      >;
      const listed = (
        (await h.request(op, "GET", "/api/v1/organizations")).json() as Page<Record<string, unknown>>
      ).items.find((o) => o["id"] === w.orgA.id);
      for (const [k, v] of Object.entries(expected)) {
        assert.equal(alone[k], v, k);
        assert.equal(listed?.[k], v, k);
      }
    });

    void test("a cost center holding workspaces cannot be deleted; an empty one can", async () => {
      const busy = await h.request(admin, "DELETE", `/api/v1/cost-centers/${w.cc2.id}`);
      assert.equal(busy.status, 409);
      assert.equal((busy.json() as Body).error?.code, "cost_center_not_empty");
      const cc = (
        await h.request(admin, "POST", `/api/v1/organizations/${w.orgA.id}/cost-centers`, {
          name: "Short-lived",
        })
      ).json() as { id: string };
      assert.equal((await h.request(admin, "DELETE", `/api/v1/cost-centers/${cc.id}`)).status, 204);
      assert.equal((await h.request(admin, "GET", `/api/v1/cost-centers/${cc.id}`)).status, 404);
    });

    void test("a cost-center administrator creates workspaces only in their own cost centers and sees only those", async () => {
      const ccAdmin = await h.sessionFor(w.ids.ccAdmin);
      const ok = await h.request(ccAdmin, "POST", `/api/v1/organizations/${w.orgA.id}/workspaces`, {
        name: "CC1 team",
        costCenterId: w.cc1.id,
      });
      assert.equal(ok.status, 201);
      assert.equal((ok.json() as { costCenterId: string }).costCenterId, w.cc1.id);
      const other = await h.request(ccAdmin, "POST", `/api/v1/organizations/${w.orgA.id}/workspaces`, {
        name: "CC2 team",
        costCenterId: w.cc2.id,
      });
      assert.equal(other.status, 403);
      const ccs = (
        await h.request(ccAdmin, "GET", `/api/v1/organizations/${w.orgA.id}/cost-centers`)
      ).json() as Page<{ id: string }>;
      assert.deepEqual(
        ccs.items.map((c) => c.id),
        [w.cc1.id],
      );
      const ctx = (await h.request(ccAdmin, "GET", "/api/v1/me/contexts")).json() as {
        costCenters: { id: string }[];
        workspaces: { id: string; costCenterId: string; kind: string }[];
      };
      assert.deepEqual(
        ctx.costCenters.map((c) => c.id),
        [w.cc1.id],
      );
      const outside = ctx.workspaces.filter((x) => x.costCenterId !== w.cc1.id);
      assert.deepEqual(
        outside.map((x) => x.kind),
        ["personal"],
        "besides cc1's workspaces, only their own personal workspace is offered",
      );
      assert.ok(!ctx.workspaces.some((x) => x.id === w.ws2.id), "cc2's workspace is not offered");
    });

    void test("a personal workspace exists for every user, belongs to the Default cost center and cannot be deleted", async () => {
      const visitor = await h.sessionFor(w.ids.wsVisitor);
      const ctx = (await h.request(visitor, "GET", "/api/v1/me/contexts")).json() as {
        workspaces: { id: string; kind: string; role: string }[];
      };
      const personal = ctx.workspaces.filter((x) => x.kind === "personal");
      assert.equal(personal.length, 1);
      assert.equal(personal[0]?.role, "admin");
      const del = await h.request(admin, "DELETE", `/api/v1/workspaces/${personal[0]?.id ?? ""}`);
      assert.equal(del.status, 409);
      assert.equal((del.json() as Body).error?.code, "personal_workspace");
    });

    void test("the last organization administrator cannot be demoted or disabled, and nobody disables themselves", async () => {
      const self = await h.request(admin, "POST", `/api/v1/users/${w.ids.orgAdmin}/disable`);
      assert.equal(self.status, 409);
      assert.equal((self.json() as Body).error?.code, "cannot_disable_self");
      const op = await h.sessionFor(w.ids.operator);
      const demote = await h.request(op, "PATCH", `/api/v1/users/${w.ids.orgAdmin}`, { orgRole: "member" });
      assert.equal(demote.status, 409);
      assert.equal((demote.json() as Body).error?.code, "last_admin");
      assert.equal(
        (await h.request(admin, "PATCH", `/api/v1/users/${w.ids.bystander}`, { orgRole: "admin" })).status,
        200,
      );
      assert.equal(
        (await h.request(op, "PATCH", `/api/v1/users/${w.ids.bystander}`, { orgRole: "member" })).status,
        200,
      );
    });

    void test("a disabled user cannot be added to a workspace, and enabling restores them", async () => {
      const leaver = (await h.modules.tenancy.users.provision(w.operator, {
        orgId: w.orgA.id,
        email: "leaver@a.test",
        name: "Leaver",
        orgRole: "member",
        passwordHash: "x",
      })) as { ok: true; value: { id: string } };
      const id = leaver.value.id;
      assert.equal(
        ((await h.request(admin, "POST", `/api/v1/users/${id}/disable`)).json() as { status: string }).status,
        "disabled",
      );
      const add = await h.request(admin, "PUT", `/api/v1/workspaces/${w.ws2.id}/members/${id}`, {
        role: "user",
      });
      assert.equal(add.status, 400);
      assert.equal((add.json() as Body).error?.code, "not_org_member");
      assert.equal(
        ((await h.request(admin, "POST", `/api/v1/users/${id}/enable`)).json() as { status: string }).status,
        "active",
      );
      assert.equal(
        (await h.request(admin, "PUT", `/api/v1/workspaces/${w.ws2.id}/members/${id}`, { role: "user" }))
          .status,
        204,
      );
      const members = (
        await h.request(admin, "GET", `/api/v1/workspaces/${w.ws2.id}/members`)
      ).json() as Page<{ userId: string; role: string }>;
      assert.deepEqual(members.items.find((m) => m.userId === id)?.role, "user");
    });

    void test("lists page with limit and cursor, without repeating or skipping an item", async () => {
      for (let i = 0; i < 7; i++)
        await h.request(admin, "POST", `/api/v1/organizations/${w.orgA.id}/cost-centers`, {
          name: `Paged ${i}`,
        });
      const all = (
        await h.request(admin, "GET", `/api/v1/organizations/${w.orgA.id}/cost-centers?limit=200`)
      ).json() as Page<{ id: string }>;
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url = `/api/v1/organizations/${w.orgA.id}/cost-centers?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
        const page = (await h.request(admin, "GET", url)).json() as Page<{ id: string }>;
        assert.ok(page.items.length <= 3);
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(
        seen,
        all.items.map((c) => c.id),
      );
      assert.ok(seen.length >= 9);
    });

    void test("favorites are starred and unstarred, and only the user's own show in the context switcher", async () => {
      const me = await h.sessionFor(w.ids.wsUser);
      assert.equal((await h.request(me, "PUT", `/api/v1/me/favorites/${w.ws1.id}`)).status, 204);
      const ctx = (await h.request(me, "GET", "/api/v1/me/contexts")).json() as { favorites: string[] };
      assert.deepEqual(ctx.favorites, [w.ws1.id]);
      const other = (await h.request(admin, "GET", "/api/v1/me/contexts")).json() as { favorites: string[] };
      assert.ok(!other.favorites.includes(w.ws1.id));
      assert.equal((await h.request(me, "DELETE", `/api/v1/me/favorites/${w.ws1.id}`)).status, 204);
      assert.deepEqual(
        ((await h.request(me, "GET", "/api/v1/me/contexts")).json() as { favorites: string[] }).favorites,
        [],
      );
    });
  });
}
