import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { DemoSeed, RunningEmulator } from "../src/emulator/index.ts";
import { ALLOWED_SERVICES_ASSIGNMENT } from "../src/modules/onboarding/index.ts";
import { connectedHarness } from "./support/connected-harness.ts";
import { backends } from "./support/databases.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import { PASSWORD, type Auth, type Harness } from "./support/harness.ts";
import {
  billingAccountWithTerms,
  contact,
  driveRuns,
  instantProvisioning,
  ukAddress,
} from "./support/onboarding-world.ts";
import { createWorld, type World } from "./support/world.ts";

type Provider = {
  id: string;
  state: string;
  failureReason: string | null;
  onboardingRunId: string | null;
  azure: { tenantId: string | null; subscriptionId: string | null; subscriptionName: string | null };
};
type ErrorBody = { error: { code: string; message: string; fields?: { path: string }[] } };
type Progress = { state: string; steps: { id: string; status: string }[] };

for (const backend of backends()) {
  void describe(`a new Azure customer, end to end, on ${backend.name}`, () => {
    let h: Harness;
    let emu: RunningEmulator;
    let seed: DemoSeed;
    let close: () => Promise<void>;
    let w: World;
    let admin: Auth;
    let ukAccount: string;
    const customers = () => emu.state.customersOf(seed.tenantId);

    before(async () => {
      const started = await connectedHarness(`onboarding-new-${backend.name}`, await backend.open());
      ({ h, emu, seed, close } = started);
      await instantProvisioning(emu);
      w = await createWorld(h);
      admin = await h.sessionFor(w.ids.orgAdmin);
      ukAccount = await billingAccountWithTerms(h, w, { ...seed.partnerCloud, alias: "PCUK" });
    });
    after(() => close());

    const create = (auth: Auth, workspaceId: string, body: Record<string, unknown>) =>
      h.request(auth, "POST", `/api/v1/workspaces/${workspaceId}/providers`, {
        option: "new-customer",
        ...body,
      });
    const refusal = (
      res: { status: number; json: () => unknown; body: string },
      status: number,
      code: string,
    ) => {
      assert.equal(res.status, status, res.body);
      const e = (res.json() as ErrorBody).error;
      assert.equal(e.code, code, res.body);
      return e;
    };

    void test("bad input is refused with the field to fix, and nothing is created in Partner Center", async () => {
      const before = customers().length;
      const profile = { companyName: "Contoso UK", address: ukAddress, contact };
      const noProfile = refusal(
        await create(admin, w.ws1.id, { name: "Azure", billingAccountId: ukAccount }),
        400,
        "customer_profile_required",
      );
      assert.match(noProfile.message, /^customer:/);
      const badPostcode = refusal(
        await create(admin, w.ws1.id, {
          name: "Azure",
          billingAccountId: ukAccount,
          customer: { ...profile, address: { ...ukAddress, postalCode: "not a postcode" } },
        }),
        422,
        "address_invalid",
      );
      assert.match(badPostcode.message, /^customer\.address:/);
      refusal(
        await create(admin, w.ws1.id, {
          name: "Azure",
          billingAccountId: ukAccount,
          customer: { ...profile, address: { ...ukAddress, country: "US" } },
        }),
        422,
        "address_country_mismatch",
      );
      const taken = refusal(
        await create(admin, w.ws1.id, {
          name: "Azure",
          billingAccountId: ukAccount,
          customer: { ...profile, domainPrefix: seed.tenantDomain.split(".")[0] },
        }),
        409,
        "domain_taken",
      );
      assert.equal(taken.fields?.[0]?.path, "customer.domainPrefix");
      const syntax = await create(admin, w.ws1.id, {
        name: "Azure",
        billingAccountId: ukAccount,
        customer: { ...profile, domainPrefix: "no spaces allowed" },
      });
      assert.equal(syntax.status, 400);
      assert.match(syntax.body, /domainPrefix/);
      const noTerms = await billingAccountWithTerms(h, w, {
        ...seed.partnerCloud,
        alias: "PCCA",
        terms: false,
      });
      refusal(
        await create(admin, w.ws1.id, { name: "Azure", billingAccountId: noTerms, customer: profile }),
        409,
        "terms_not_accepted",
      );
      refusal(
        await create(admin, w.ws1.id, {
          name: "Azure",
          billingAccountId: ukAccount,
          allowedServices: "no-such-preset",
          customer: profile,
        }),
        400,
        "unknown_preset",
      );
      const user = await h.sessionFor(w.ids.wsUser);
      assert.equal(
        (await create(user, w.ws1.id, { name: "Azure", billingAccountId: ukAccount })).status,
        403,
      );
      assert.equal(customers().length, before);
      const listed = await h.request(admin, "GET", `/api/v1/workspaces/${w.ws1.id}/providers`);
      assert.equal((listed.json() as { items: unknown[] }).items.length, 0);
    });

    let first: Provider;
    void test("an organization administrator's provider onboards a new customer step by step to ready", async () => {
      const res = await create(admin, w.ws1.id, {
        name: "Contoso production",
        billingAccountId: ukAccount,
        allowedServices: "iaas",
        customer: { companyName: "Contoso UK", domainPrefix: "contosouk", address: ukAddress, contact },
      });
      assert.equal(res.status, 201, res.body);
      first = res.json() as Provider;
      assert.equal(first.state, "processing");
      assert.ok(first.onboardingRunId);
      await driveRuns(h);
      const done = (await h.request(admin, "GET", `/api/v1/providers/${first.id}`)).json() as Provider;
      assert.equal(done.state, "ready", JSON.stringify(done));
      const customer = customers().find((c) => c.domain === "contosouk.onmicrosoft.com");
      assert.ok(customer, "the customer exists in Partner Center");
      assert.equal(done.azure.tenantId, customer.id);
      assert.equal(done.azure.subscriptionName, "Contoso production");
      const subs = emu.state.subscriptionsOf(customer.id);
      assert.deepEqual(
        subs.map((s) => s.subscriptionId),
        [done.azure.subscriptionId],
      );
      first = done;

      const progress = (
        await h.request(admin, "GET", `/api/v1/providers/${first.id}/onboarding`)
      ).json() as Progress;
      assert.equal(progress.state, "succeeded");
      const status = Object.fromEntries(progress.steps.map((s) => [s.id, s.status]));
      assert.equal(status["create-customer"], "done");
      assert.equal(status["await-customer"], "skipped");
      assert.equal(status["create-subscription"], "skipped");
      assert.equal(status["mark-ready"], "done");

      const log = (await h.request(admin, "GET", `/api/v1/providers/${first.id}/logs`)).json() as {
        items: { event: string; toState: string | null }[];
      };
      assert.ok(log.items.some((e) => e.event === "run_succeeded"));
      assert.ok(log.items.some((e) => e.toState === "ready"));
      const audit = (
        await h.request(admin, "GET", `/api/v1/organizations/${w.orgA.id}/audit-events?limit=200`)
      ).json() as { items: { action: string; targetId: string }[] };
      assert.ok(audit.items.some((a) => a.action === "onboarding.run_succeeded" && a.targetId === first.id));
    });

    void test("Microsoft's SDK clients, as Partner Cloud's service principal, find its access and the allowed services", async () => {
      const tenantId = first.azure.tenantId ?? "";
      const runSteps = await h.modules.onboarding.engine.stepsOf(first.onboardingRunId ?? "");
      const granted = runSteps.find((s) => s.stepId === "grant-access")?.output as { assignmentId: string };
      const got = await emulatorClient(emu).probe("test/support/azure-onboarding-probe.ts", [
        tenantId,
        seed.clientId,
        seed.clientSecret,
        first.azure.subscriptionId ?? "",
        granted.assignmentId,
        ALLOWED_SERVICES_ASSIGNMENT,
      ]);
      const role = got["role"] as { roleDefinitionId: string } | null;
      assert.ok(role, JSON.stringify(got));
      assert.match(role.roleDefinitionId, /8e3af657-a8ff-443c-a75c-2fe8c4bcb635$/);
      const policy = got["policy"] as { definition: string; allowedCount: number };
      assert.match(policy.definition, /a08ec900-254a-4555-9bf5-e42af04b5c5c$/);
      assert.ok(policy.allowedCount > 0);
      assert.deepEqual(got["vm"], { status: 200, code: "created" });
      assert.deepEqual(got["web"], { status: 403, code: "RequestDisallowedByPolicy" });
    });

    void test("the drift check finds the policy someone removed from an onboarded subscription and puts it back", async () => {
      const scope = `/subscriptions/${first.azure.subscriptionId ?? ""}`;
      emu.state.deletePolicyAssignment(scope, ALLOWED_SERVICES_ASSIGNMENT);
      assert.equal(emu.state.policyAssignment(scope, ALLOWED_SERVICES_ASSIGNMENT), undefined);
      const drift = h.modules.governance.drift;
      assert.ok(drift, "the drift checker runs where Microsoft is connected");
      const summary = await drift.checkAll();
      const mine = summary.results.filter((r) => r.subscriptionId === first.azure.subscriptionId);
      assert.equal(mine.length, 1, JSON.stringify(summary));
      assert.ok(emu.state.policyAssignment(scope, ALLOWED_SERVICES_ASSIGNMENT), "the policy is back");
      assert.ok(summary.repaired >= 1);
    });

    void test("a cost-center administrator's provider adds a subscription under the same customer", async () => {
      const ccAdmin = await h.sessionFor(w.ids.otherCcAdmin);
      const res = await create(ccAdmin, w.ws2.id, { name: "Contoso test", billingAccountId: ukAccount });
      assert.equal(res.status, 201, res.body);
      const second = res.json() as Provider;
      await driveRuns(h);
      const done = (await h.request(ccAdmin, "GET", `/api/v1/providers/${second.id}`)).json() as Provider;
      assert.equal(done.state, "ready", JSON.stringify(done));
      assert.equal(done.azure.tenantId, first.azure.tenantId);
      assert.notEqual(done.azure.subscriptionId, first.azure.subscriptionId);
      assert.equal(customers().filter((c) => c.domain.startsWith("contoso")).length, 1);
      assert.equal(emu.state.subscriptionsOf(first.azure.tenantId ?? "").length, 2);
    });

    void test("the console's live progress is a stream of server-sent events that ends once the run has ended", async () => {
      const res = await create(admin, w.ws1.id, { name: "Contoso streamed", billingAccountId: ukAccount });
      assert.equal(res.status, 201, res.body);
      const provider = res.json() as Provider;
      const address = await h.app.listen({ port: 0, host: "127.0.0.1" });
      const session = admin as { secret: string };
      const stream = await fetch(`${address}/api/v1/providers/${provider.id}/onboarding/stream`, {
        headers: { cookie: `__Host-pc_session=${session.secret}` },
      });
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get("content-type") ?? "", /^text\/event-stream/);
      const reader = stream.body?.getReader();
      assert.ok(reader);
      const events: Progress[] = [];
      let buffered = "";
      const decoder = new TextDecoder();
      const readEvents = async (until: (p: Progress) => boolean) => {
        for (;;) {
          const chunk = await reader.read();
          if (chunk.done) return false;
          buffered += decoder.decode(chunk.value, { stream: true });
          let end: number;
          while ((end = buffered.indexOf("\n\n")) >= 0) {
            const block = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (/^event: progress$/m.test(block) && data) {
              events.push(JSON.parse(data) as Progress);
              if (until(events.at(-1) as Progress)) return true;
            }
          }
        }
      };
      assert.ok(await readEvents(() => true), "a first event at once");
      assert.notEqual(events[0]?.state, "succeeded");
      await driveRuns(h);
      assert.ok(await readEvents((p) => p.state === "succeeded"), "the run's end is streamed");
      assert.equal((await reader.read()).done, true, "the stream ends after the run has");
      assert.ok(events.at(-1)?.steps.every((st) => st.status === "done" || st.status === "skipped"));
    });

    void test("the creator sees the customer's admin credentials once, after typing their password again", async () => {
      const url = `/api/v1/organizations/${w.orgA.id}/azure-customer`;
      const card = (await h.request(admin, "GET", url)).json() as { credentials: string; domain: string };
      assert.equal(card.credentials, "available");
      assert.equal(card.domain, "contosouk.onmicrosoft.com");
      assert.doesNotMatch(JSON.stringify(card), /password/i);
      const ccAdmin = await h.sessionFor(w.ids.otherCcAdmin);
      assert.equal(
        (await h.request(ccAdmin, "POST", `${url}/credentials/reveal`, { password: PASSWORD })).status,
        403,
      );
      assert.equal(
        (await h.request(admin, "POST", `${url}/credentials/reveal`, { password: "not my password" })).status,
        401,
      );
      const shown = await h.request(admin, "POST", `${url}/credentials/reveal`, { password: PASSWORD });
      assert.equal(shown.status, 200, shown.body);
      const creds = shown.json() as { userName: string; password: string };
      assert.match(creds.userName, /@contosouk\.onmicrosoft\.com$/);
      assert.ok(creds.password.length >= 8);
      refusal(
        await h.request(admin, "POST", `${url}/credentials/reveal`, { password: PASSWORD }),
        409,
        "credentials_not_available",
      );
      const after = (await h.request(admin, "GET", url)).json() as { credentials: string };
      assert.equal(after.credentials, "shown");
    });
  });
}
