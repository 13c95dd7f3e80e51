import { randomBytes } from "node:crypto";
import { hashPassword } from "../platform/crypto.ts";
import type { Modules } from "./runtime.ts";
import type { Caller } from "../modules/tenancy/index.ts";

type Person = { name: string; email: string; orgRole: "admin" | "member" };

const demo = {
  partnerName: "Contoso Cloud Partners",
  operator: { name: "Olivia Operator", email: "operator@partner.example" },
  organizations: [
    {
      name: "Fabrikam Manufacturing",
      costCenters: ["Engineering", "Finance"],
      workspaces: [
        { name: "Plant Analytics", costCenter: "Engineering" },
        { name: "ERP Migration", costCenter: "Engineering" },
        { name: "Reporting", costCenter: "Finance" },
      ],
      people: [
        { name: "Frida Admin", email: "frida@fabrikam.example", orgRole: "admin" },
        { name: "Erik Engineer", email: "erik@fabrikam.example", orgRole: "member" },
        { name: "Fiona Finance", email: "fiona@fabrikam.example", orgRole: "member" },
      ] satisfies Person[],
      costCenterAdmins: [{ email: "erik@fabrikam.example", costCenter: "Engineering" }],
      members: [{ email: "fiona@fabrikam.example", workspace: "Reporting", role: "author" as const }],
    },
    {
      name: "Northwind Traders",
      costCenters: ["Retail"],
      workspaces: [{ name: "Web Shop", costCenter: "Retail" }],
      people: [
        { name: "Nora Admin", email: "nora@northwind.example", orgRole: "admin" },
        { name: "Noah Developer", email: "noah@northwind.example", orgRole: "member" },
      ] satisfies Person[],
      costCenterAdmins: [],
      members: [{ email: "noah@northwind.example", workspace: "Web Shop", role: "user" as const }],
    },
  ],
};

/**
 * Seeds a realistic demo partner through the product's own commands (so the audit log tells the story), with one
 * freshly generated password for every demo account. Does nothing if the installation is already set up.
 */
export async function seedDemo(
  modules: Modules,
): Promise<{ seeded: boolean; password: string; accounts: string[] }> {
  const { tenancy } = modules;
  const password = `demo-${randomBytes(9).toString("base64url")}`;
  const passwordHash = await hashPassword(password);
  const setup = await tenancy.setup.complete(
    { partnerName: demo.partnerName, ...demo.operator, passwordHash },
    null,
  );
  if (!setup.ok) return { seeded: false, password: "", accounts: [] };
  const as = async (userId: string): Promise<Caller> => {
    const principal = await tenancy.principalOf(userId);
    if (!principal) throw new Error(`demo user ${userId} missing`);
    return { principal, actor: { userId, email: principal.email, kind: "user", requestId: null } };
  };
  const must = <T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
    if (!r.ok) throw new Error(`demo seed failed: ${r.error.message}`);
    return r.value;
  };
  const operator = await as(setup.value.userId);
  const accounts = [demo.operator.email];
  for (const o of demo.organizations) {
    const org = must(await tenancy.organizations.create(operator, { name: o.name }));
    const ccIds = new Map<string, string>();
    for (const name of o.costCenters)
      ccIds.set(name, must(await tenancy.costCenters.create(operator, org.id, { name })).id);
    const wsIds = new Map<string, string>();
    for (const w of o.workspaces) {
      const ws = must(
        await tenancy.workspaces.create(operator, org.id, {
          name: w.name,
          costCenterId: ccIds.get(w.costCenter) ?? "",
        }),
      );
      wsIds.set(w.name, ws.id);
    }
    const userIds = new Map<string, string>();
    for (const person of o.people) {
      const user = must(await tenancy.users.provision(operator, { orgId: org.id, ...person, passwordHash }));
      userIds.set(person.email, user.id);
      accounts.push(person.email);
    }
    for (const a of o.costCenterAdmins)
      must(
        await tenancy.costCenters.addAdmin(
          operator,
          ccIds.get(a.costCenter) ?? "",
          userIds.get(a.email) ?? "",
        ),
      );
    for (const m of o.members)
      must(
        await tenancy.workspaces.setMember(
          operator,
          wsIds.get(m.workspace) ?? "",
          userIds.get(m.email) ?? "",
          m.role,
        ),
      );
  }
  return { seeded: true, password, accounts };
}
