import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { backends } from "./support/databases.ts";
import { PASSWORD, type Response } from "./support/harness.ts";
import {
  addOrganization,
  countFor,
  organizationDiffers,
  providerOf,
  reliabilityWorld,
  storedCollections,
  type Organization,
  type ReliabilityWorld,
} from "./support/onboarding-reliability.ts";
import { contact, driveRuns, ukAddress } from "./support/onboarding-world.ts";

type ErrorBody = { error: { code: string } };

/** The sizes of each burst of identical requests: the double click, and a hammering. */
const BURSTS = [2, 10] as const;

const codes = (responses: Response[]) =>
  responses
    .map((r) => (r.status < 400 ? String(r.status) : `${r.status} ${(r.json() as ErrorBody).error.code}`))
    .sort();

for (const backend of backends())
  void describe(`W7: the same request sent many times at once, on ${backend.name}`, () => {
    let world: ReliabilityWorld;
    let closeDatabase: () => Promise<void>;
    let labels = 0;

    before(async () => {
      const database = await backend.open();
      closeDatabase = () => database.close();
      world = await reliabilityWorld(`w7-${backend.name}`, { database }, { clock: "fake" });
    });
    after(async () => {
      await world.close();
      await closeDatabase();
    });

    const freshOrganization = () => addOrganization(world, `w7${backend.name.slice(0, 2)}${(labels += 1)}`);
    const newCustomer = (org: Organization, name: string) =>
      world.h.request(org.admin, "POST", `/api/v1/workspaces/${org.workspaceId}/providers`, {
        option: "new-customer",
        name,
        billingAccountId: org.billingAccountId,
        customer: {
          companyName: `Contoso ${org.domainPrefix}`,
          domainPrefix: org.domainPrefix,
          address: ukAddress,
          contact,
        },
      });
    const providersIn = async (org: Organization) =>
      (
        (
          await world.h.request(org.admin, "GET", `/api/v1/workspaces/${org.workspaceId}/providers`)
        ).json() as {
          items: { id: string; onboardingRunId: string | null }[];
        }
      ).items;

    for (const n of BURSTS)
      void test(`${n} clicks creating the same provider make one provider, one run and one customer`, async () => {
        const org = await freshOrganization();
        const answers = await Promise.all(
          Array.from({ length: n }, () => newCustomer(org, "Azure production")),
        );
        assert.deepEqual(codes(answers), ["201", ...Array<string>(n - 1).fill("409 name_taken")]);
        const listed = await providersIn(org);
        assert.equal(listed.length, 1);
        const runs = await world.h.modules.onboarding.engine.runsAbout({
          type: "provider",
          id: listed[0]?.id ?? "",
        });
        assert.equal(runs.length, 1);
        await driveRuns(world.h);
        const [provider] = listed;
        assert.ok(provider);
        assert.deepEqual(
          await organizationDiffers(world, org, [{ providerId: provider.id, runId: runs[0]?.id ?? "" }]),
          [],
        );
      });

    for (const n of BURSTS)
      void test(`${n} providers created at once in an organization without a customer share one customer, each with its subscription`, async () => {
        const org = await freshOrganization();
        const answers = await Promise.all(
          Array.from({ length: n }, (_, i) => newCustomer(org, `Azure ${i + 1}`)),
        );
        assert.deepEqual(codes(answers), Array<string>(n).fill("201"));
        await driveRuns(world.h);
        const created = answers.map((r) => {
          const body = r.json() as { id: string; onboardingRunId: string };
          return { providerId: body.id, runId: body.onboardingRunId };
        });
        assert.deepEqual(await organizationDiffers(world, org, created), []);
        const creators = await Promise.all(
          created.map(async (p) => (await world.h.modules.onboarding.engine.runOf(p.runId))?.input),
        );
        assert.equal(
          creators.filter((i) => (i as { createsCustomer: boolean }).createsCustomer).length,
          1,
          "one run creates the customer, the others wait for it",
        );
      });

    void test("terms accepted many times at once are each recorded and audited, and the customer agreement is attested once", async () => {
      const org = await freshOrganization();
      const accept = () =>
        world.h.request(
          org.admin,
          "POST",
          `/api/v1/billing-accounts/${org.billingAccountId}/terms-acceptances`,
          {
            partnerTermsVersion: 1,
            customerAgreementVersion: 1,
            contact,
          },
        );
      const n = 10;
      const answers = await Promise.all(Array.from({ length: n }, accept));
      assert.deepEqual(codes(answers), Array<string>(n).fill("201"));
      const listed = (
        (
          await world.h.request(
            org.admin,
            "GET",
            `/api/v1/billing-accounts/${org.billingAccountId}/terms-acceptances`,
          )
        ).json() as { items: { id: string }[] }
      ).items;
      const ids = answers.map((r) => (r.json() as { id: string }).id);
      for (const id of ids)
        assert.ok(
          listed.some((a) => a.id === id),
          `acceptance ${id} is listed`,
        );
      const audited = await world.h.modules.audit.list({
        orgId: org.orgId,
        action: "terms.accepted",
        limit: 100,
      });
      const auditedIds = audited.items.map((a) => (a.details as { acceptanceId: string }).acceptanceId);
      for (const id of ids) assert.ok(auditedIds.includes(id), `acceptance ${id} is audited`);
      const created = await newCustomer(org, "Azure");
      assert.equal(created.status, 201, created.body);
      await driveRuns(world.h);
      const provider = await providerOf(world, (created.json() as { id: string }).id);
      assert.equal(provider.state, "ready");
      const stored = await storedCollections(world);
      assert.equal(countFor(stored, "pcAgreements", provider.azure.tenantId ?? ""), 1);
    });

    for (const n of BURSTS)
      void test(`${n} reveals of the customer's credentials at once show them once: one 200, the rest 409, one audit record`, async () => {
        const org = await freshOrganization();
        const created = await newCustomer(org, "Azure");
        assert.equal(created.status, 201, created.body);
        await driveRuns(world.h);
        const url = `/api/v1/organizations/${org.orgId}/azure-customer/credentials/reveal`;
        const answers = await Promise.all(
          Array.from({ length: n }, () => world.h.request(org.admin, "POST", url, { password: PASSWORD })),
        );
        assert.deepEqual(codes(answers), [
          "200",
          ...Array<string>(n - 1).fill("409 credentials_not_available"),
        ]);
        const shown = await world.h.modules.audit.list({
          orgId: org.orgId,
          action: "azure_customer.credentials_shown",
          limit: 100,
        });
        assert.equal(shown.items.length, 1);
      });
  });
