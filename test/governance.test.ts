import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ClientSecretCredential } from "@azure/identity";
import type { DemoSeed, RunningEmulator } from "../src/emulator/index.ts";
import type { Integrations } from "../src/main/microsoft.ts";
import {
  createDriftChecker,
  createGovernance,
  type DriftCheckerDeps,
  type ManagedSubscription,
} from "../src/modules/governance/index.ts";
import { backends } from "./support/databases.ts";
import { connectedHarness } from "./support/connected-harness.ts";
import { must, type Auth, type Harness } from "./support/harness.ts";
import { integrationsFor } from "./support/test-integrations.ts";
import { createWorld, type World } from "./support/world.ts";

type ErrorBody = { error: { code: string; message: string; fields?: { path: string }[] } };
type PresetBody = { id: string; label: string; builtIn: boolean; isDefault: boolean; serviceIds: string[] };

const POLICY_NAME = "pc-allowed-services";
const HOUR = 3_600_000;

for (const backend of backends()) {
  void describe(`allowed services and drift checks on ${backend.name}`, () => {
    let h: Harness;
    let w: World;
    let emu: RunningEmulator;
    let seed: DemoSeed;
    let ca: string;
    let close: () => Promise<void>;
    /** The adapters on the harness's fake clock: moving it past a token's life makes them sign in again. */
    let integrations: Integrations;
    let closeIntegrations: () => void;
    let n = 0;

    before(async () => {
      const connected = await connectedHarness(`governance-${backend.name}`, await backend.open());
      ({ h, emu, seed, close } = connected);
      w = await createWorld(h);
      ca = await readFile(emu.caPath, "utf8");
      ({ integrations, close: closeIntegrations } = await integrationsFor(emu, seed, h.clock));
    });
    after(async () => {
      closeIntegrations();
      await close();
    });

    /** A fresh session: tests move the clock past a session's idle limit. */
    const as = (who: "operator" | "wsVisitor" | "orgAdmin"): Promise<Auth> => h.sessionFor(w.ids[who]);

    /** A new subscription in the demo partner's tenant, where Partner Cloud's application may act. */
    const newSubscription = (tenantId = seed.tenantId) =>
      emu.state.addSubscription({ tenantId, displayName: `Governed ${++n}` }).subscriptionId;

    const managedIn = (
      subscriptionId: string,
      tenantId = seed.tenantId,
      presetId = "iaas",
    ): ManagedSubscription => ({
      providerId: `prv_${String(++n).padStart(26, "0")}`,
      orgId: w.orgA.id,
      tenantId,
      subscriptionId,
      access: { principalId: randomUUID(), role: "Contributor", assignmentName: randomUUID() },
      policy: { assignmentName: POLICY_NAME, presetId },
    });

    const checker = (managed: ManagedSubscription[], extra: Partial<DriftCheckerDeps> = {}) =>
      createDriftChecker({
        db: h.database.db,
        clock: h.clock,
        audit: h.modules.audit,
        managedSubscriptions: () => Promise.resolve(managed),
        azureResources: integrations.azureResources,
        ...extra,
      });

    /** Grants the partner's access and applies the policy, as onboarding does. */
    async function onboard(m: ManagedSubscription) {
      const azure = integrations.azureResources(m.tenantId);
      must(
        await azure.ensureRoleAssignment({
          subscriptionId: m.subscriptionId,
          assignmentId: m.access.assignmentName,
          principalId: m.access.principalId,
          role: m.access.role,
        }),
      );
      const input = must(
        await h.modules.governance.policyAssignmentFor({
          subscriptionId: m.subscriptionId,
          name: m.policy.assignmentName,
          presetId: m.policy.presetId,
        }),
      );
      must(await azure.ensurePolicyAssignment(input));
    }

    /** Microsoft's own resource client in a subscription, signed in as the partner's application. */
    const resourceClient = (subscriptionId: string) =>
      new ResourceManagementClient(
        new ClientSecretCredential(seed.tenantId, seed.clientId, seed.clientSecret, {
          authorityHost: emu.baseUrl,
          disableInstanceDiscovery: true,
          tlsOptions: { ca },
        }),
        subscriptionId,
        {
          endpoint: emu.baseUrl,
          credentialScopes: ["https://management.azure.com/.default"],
          tlsOptions: { ca },
        },
      );

    const failureOf = async (f: () => Promise<unknown>) => {
      try {
        await f();
        return null;
      } catch (e) {
        return { status: (e as { statusCode?: number }).statusCode, code: (e as { code?: string }).code };
      }
    };

    void test("any signed-in user reads the catalog and the presets; all-services is the default", async () => {
      const catalog = await h.request(await as("wsVisitor"), "GET", "/api/v1/allowed-services/catalog");
      assert.equal(catalog.status, 200, catalog.body);
      const body = catalog.json() as {
        categories: string[];
        services: { id: string; category: string; resourceTypes: string[]; required: boolean }[];
      };
      assert.ok(body.services.length >= 40);
      assert.ok(body.categories.includes("Compute") && body.categories.includes("Networking"));
      const vms = body.services.find((s) => s.id === "virtual-machines");
      assert.equal(vms?.category, "Compute");
      assert.ok(vms?.resourceTypes.includes("Microsoft.Compute/virtualMachines"));
      assert.deepEqual(
        body.services.filter((s) => s.required).map((s) => s.resourceTypes),
        [["Microsoft.Resources/deployments"]],
      );

      const presets = await h.request(await as("wsVisitor"), "GET", "/api/v1/allowed-services/presets");
      assert.equal(presets.status, 200, presets.body);
      const listed = presets.json() as { defaultPresetId: string; items: PresetBody[] };
      assert.equal(listed.defaultPresetId, "all-services");
      assert.deepEqual(
        listed.items.filter((p) => p.builtIn).map((p) => [p.id, p.label, p.isDefault]),
        [
          ["all-services", "All services", true],
          ["iaas", "IaaS", false],
        ],
      );
      const all = listed.items.find((p) => p.id === "all-services");
      assert.equal(all?.serviceIds.length, body.services.length, "all-services covers the whole catalog");
      assert.equal(
        (await h.request({ kind: "anonymous" }, "GET", "/api/v1/allowed-services/presets")).status,
        401,
      );
    });

    void test("a preset resolves to its sorted resource types; IaaS leaves out web apps; an unknown one is refused naming allowedServices", async () => {
      const governance = h.modules.governance;
      const iaas = must(await governance.resolvePreset("iaas"));
      assert.equal(iaas.label, "IaaS");
      for (const t of [
        "Microsoft.Compute/virtualMachines",
        "Microsoft.Network/virtualNetworks",
        "Microsoft.Storage/storageAccounts",
        "Microsoft.Resources/deployments",
      ])
        assert.ok(iaas.resourceTypes.includes(t), t);
      assert.ok(!iaas.resourceTypes.includes("Microsoft.Web/sites"));
      assert.deepEqual(
        iaas.resourceTypes,
        [...iaas.resourceTypes].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
      );

      const byDefault = must(await governance.resolvePreset(undefined));
      assert.equal(byDefault.presetId, "all-services");
      assert.ok(byDefault.resourceTypes.includes("Microsoft.Web/sites"));

      const unknown = await governance.resolvePreset("mainframes-only");
      assert.ok(!unknown.ok);
      assert.equal(unknown.error.code, "unknown_preset");
      assert.match(unknown.error.message, /^allowedServices: /);
      assert.equal(unknown.error.details?.["field"], "allowedServices");

      const input = must(
        await governance.policyAssignmentFor({
          subscriptionId: seed.subscriptionId,
          name: POLICY_NAME,
          presetId: "iaas",
        }),
      );
      assert.equal(input.displayName, "Partner Cloud allowed services (IaaS)");
      assert.ok("allowedResourceTypes" in input);
      assert.deepEqual(input.allowedResourceTypes, iaas.resourceTypes);
    });

    void test("operators create, change and delete custom presets and choose the default; each change is audited", async () => {
      const created = await h.request(await as("operator"), "POST", "/api/v1/allowed-services/presets", {
        id: "web-and-data",
        label: "Web and data",
        description: "App Service and Azure SQL",
        serviceIds: ["app-service", "sql-database", "app-service"],
      });
      assert.equal(created.status, 201, created.body);
      assert.deepEqual((created.json() as PresetBody).serviceIds, ["app-service", "sql-database"]);

      const again = await h.request(await as("operator"), "POST", "/api/v1/allowed-services/presets", {
        id: "web-and-data",
        label: "Twice",
        serviceIds: ["app-service"],
      });
      assert.equal(again.status, 409);
      assert.equal((again.json() as ErrorBody).error.code, "preset_exists");

      const unknownService = await h.request(
        await as("operator"),
        "POST",
        "/api/v1/allowed-services/presets",
        {
          id: "odd",
          label: "Odd",
          serviceIds: ["app-service", "mainframe"],
        },
      );
      assert.equal(unknownService.status, 400);
      assert.equal((unknownService.json() as ErrorBody).error.code, "unknown_service");
      assert.match(
        (unknownService.json() as ErrorBody).error.message,
        /^serviceIds: mainframe is not a service/,
      );

      const changed = await h.request(
        await as("operator"),
        "PATCH",
        "/api/v1/allowed-services/presets/web-and-data",
        {
          serviceIds: ["app-service", "cosmos-db"],
        },
      );
      assert.equal(changed.status, 200, changed.body);
      assert.deepEqual((changed.json() as PresetBody).serviceIds, ["app-service", "cosmos-db"]);
      const types = must(await h.modules.governance.resolvePreset("web-and-data")).resourceTypes;
      assert.ok(
        types.includes("Microsoft.DocumentDB/databaseAccounts") && !types.includes("Microsoft.Sql/servers"),
      );

      for (const [method, url] of [
        ["PATCH", "/api/v1/allowed-services/presets/iaas"],
        ["DELETE", "/api/v1/allowed-services/presets/all-services"],
      ] as const) {
        const res = await h.request(
          await as("operator"),
          method,
          url,
          method === "PATCH" ? { label: "Mine now" } : undefined,
        );
        assert.equal(res.status, 409, `${method} ${url}`);
        assert.equal((res.json() as ErrorBody).error.code, "built_in_preset");
      }
      const missing = await h.request(
        await as("operator"),
        "DELETE",
        "/api/v1/allowed-services/presets/never-made",
      );
      assert.equal(missing.status, 404);

      const setDefault = await h.request(await as("operator"), "PATCH", "/api/v1/allowed-services/settings", {
        defaultPresetId: "web-and-data",
      });
      assert.equal(setDefault.status, 200, setDefault.body);
      assert.equal(must(await h.modules.governance.resolvePreset(undefined)).presetId, "web-and-data");
      const inUse = await h.request(
        await as("operator"),
        "DELETE",
        "/api/v1/allowed-services/presets/web-and-data",
      );
      assert.equal(inUse.status, 409);
      assert.equal((inUse.json() as ErrorBody).error.code, "preset_in_use");

      const unknownDefault = await h.request(
        await as("operator"),
        "PATCH",
        "/api/v1/allowed-services/settings",
        {
          defaultPresetId: "nothing-like-it",
        },
      );
      assert.equal(unknownDefault.status, 400);
      assert.equal((unknownDefault.json() as ErrorBody).error.code, "unknown_preset");
      assert.match((unknownDefault.json() as ErrorBody).error.message, /^defaultPresetId: /);

      const back = await h.request(await as("operator"), "PATCH", "/api/v1/allowed-services/settings", {
        defaultPresetId: "all-services",
      });
      assert.equal(back.status, 200);
      const deleted = await h.request(
        await as("operator"),
        "DELETE",
        "/api/v1/allowed-services/presets/web-and-data",
      );
      assert.equal(deleted.status, 204, deleted.body);

      const actions = (await h.modules.audit.list({ limit: 50 })).items
        .filter((e) => e.action.startsWith("allowed_services."))
        .map((e) => [e.action, e.targetId, e.actorId]);
      assert.deepEqual(actions.reverse(), [
        ["allowed_services.preset_created", "web-and-data", w.ids.operator],
        ["allowed_services.preset_updated", "web-and-data", w.ids.operator],
        ["allowed_services.settings_updated", null, w.ids.operator],
        ["allowed_services.settings_updated", null, w.ids.operator],
        ["allowed_services.preset_deleted", "web-and-data", w.ids.operator],
      ]);
    });

    void test("a preset applied to a managed subscription cannot be deleted", async () => {
      must(
        await h.modules.governance.presets.create(w.operator, {
          id: "storage-only",
          label: "Storage only",
          serviceIds: ["storage-accounts"],
        }),
      );
      const governance = createGovernance({
        db: h.database.db,
        audit: h.modules.audit,
        clock: h.clock,
        managedSubscriptions: () => Promise.resolve([managedIn(randomUUID(), seed.tenantId, "storage-only")]),
        azureResources: null,
      });
      const refused = await governance.presets.remove(w.operator, "storage-only");
      assert.ok(!refused.ok);
      assert.equal(refused.error.code, "preset_in_use");
      assert.match(refused.error.message, /applied to 1 managed subscription/);
      assert.ok((await h.modules.governance.presets.remove(w.operator, "storage-only")).ok);
    });

    void test("members who are not operators may not change presets, settings or run drift checks; bad bodies name the field", async () => {
      const attempts = [
        ["POST", "/api/v1/allowed-services/presets", { id: "mine", label: "Mine", serviceIds: ["dns"] }],
        ["PATCH", "/api/v1/allowed-services/presets/iaas", { label: "Mine" }],
        ["DELETE", "/api/v1/allowed-services/presets/iaas", undefined],
        ["PATCH", "/api/v1/allowed-services/settings", { defaultPresetId: "iaas" }],
        ["GET", "/api/v1/drift-findings", undefined],
        ["POST", "/api/v1/drift-checks", undefined],
      ] as const;
      for (const [method, url, body] of attempts) {
        const res = await h.request(await as("orgAdmin"), method, url, body);
        assert.equal(res.status, 403, `${method} ${url}: ${res.body}`);
      }
      const bad = await h.request(await as("operator"), "POST", "/api/v1/allowed-services/presets", {
        id: "Not Kebab",
        label: "x",
        serviceIds: [],
      });
      assert.equal(bad.status, 400);
      const fields = ((bad.json() as ErrorBody).error.fields ?? []).map((f) => f.path).sort();
      assert.deepEqual(fields, ["id", "serviceIds"]);
    });

    void test("under the IaaS preset resource groups, virtual machines, storage and networks may be created while a web app is refused with RequestDisallowedByPolicy; under all services it is allowed", async () => {
      const subscriptionId = newSubscription();
      const azure = integrations.azureResources(seed.tenantId);
      const apply = async (presetId?: string) =>
        must(
          await azure.ensurePolicyAssignment(
            must(
              await h.modules.governance.policyAssignmentFor({ subscriptionId, name: POLICY_NAME, presetId }),
            ),
          ),
        );
      const rm = resourceClient(subscriptionId);
      const put = (namespace: string, type: string, name: string) =>
        rm.resources.beginCreateOrUpdateAndWait("rg-governed", namespace, "", type, name, "2024-07-01", {
          location: "westeurope",
        });

      await apply("iaas");
      const group = await rm.resourceGroups.createOrUpdate("rg-governed", { location: "westeurope" });
      assert.equal(group.name, "rg-governed", "a resource group is never subject to the Indexed policy");
      assert.equal(
        (await put("Microsoft.Compute", "virtualMachines", "vm1")).type,
        "Microsoft.Compute/virtualMachines",
      );
      assert.ok(await put("Microsoft.Storage", "storageAccounts", "pcstore1"));
      assert.ok(await put("Microsoft.Network", "virtualNetworks", "vnet1"));
      const denied = await failureOf(() => put("Microsoft.Web", "sites", "shop"));
      assert.deepEqual(denied, { status: 403, code: "RequestDisallowedByPolicy" });

      await apply(undefined);
      assert.equal((await put("Microsoft.Web", "sites", "shop")).type, "Microsoft.Web/sites");
    });

    void test("a removed role assignment and policy assignment are restored under the same names and recorded as resolved findings; others' assignments are left alone", async () => {
      const m = managedIn(newSubscription());
      await onboard(m);
      const azure = integrations.azureResources(seed.tenantId);
      const drift = checker([m]);
      const clean = await drift.checkAll();
      assert.deepEqual(
        clean.results.map((r) => [r.access, r.policy, r.findings.length, r.error]),
        [["ok", "ok", 0, null]],
      );

      const someoneElse = randomUUID();
      must(
        await azure.ensureRoleAssignment({
          subscriptionId: m.subscriptionId,
          assignmentId: randomUUID(),
          principalId: someoneElse,
          role: "Reader",
        }),
      );
      must(
        await azure.ensurePolicyAssignment({
          subscriptionId: m.subscriptionId,
          name: "customer-own-policy",
          displayName: "The customer's own",
          notAllowedResourceTypes: ["Microsoft.Sql/servers"],
        }),
      );
      emu.state.deleteRoleAssignment(m.access.assignmentName);
      must(await azure.deletePolicyAssignment(m.subscriptionId, POLICY_NAME));

      const summary = await drift.checkAll();
      assert.equal(summary.checked, 1);
      assert.equal(summary.repaired, 1);
      const [result] = summary.results;
      assert.equal(result?.access, "repaired");
      assert.equal(result?.policy, "repaired");
      assert.deepEqual(
        result?.findings.map((f) => [
          f.kind,
          f.status,
          f.severity,
          f.providerId,
          f.detectedAt.getTime() === f.resolvedAt?.getTime(),
        ]),
        [
          ["access_repaired", "resolved", "medium", m.providerId, true],
          ["policy_repaired", "resolved", "medium", m.providerId, true],
        ],
      );
      assert.match(
        result?.findings[1]?.message ?? "",
        /was missing; Partner Cloud applied the preset "IaaS"/,
      );

      const roles = must(await azure.roleAssignments(m.subscriptionId));
      assert.ok(
        roles.some(
          (r) =>
            r.assignmentId === m.access.assignmentName &&
            r.principalId === m.access.principalId &&
            r.role === "Contributor",
        ),
      );
      assert.ok(
        roles.some((r) => r.principalId === someoneElse),
        "another principal's grant is left alone",
      );
      const policies = must(await azure.policyAssignments(m.subscriptionId));
      const ours = policies.find((p) => p.name === POLICY_NAME);
      assert.equal(ours?.displayName, "Partner Cloud allowed services (IaaS)");
      assert.deepEqual(ours?.rule, {
        allowedResourceTypes: must(await h.modules.governance.resolvePreset("iaas")).resourceTypes,
      });
      assert.ok(
        policies.some((p) => p.name === "customer-own-policy"),
        "the customer's own policy is left alone",
      );

      const findings = await h.modules.governance.findingsOf(m.providerId);
      assert.deepEqual(findings.map((f) => f.kind).sort(), ["access_repaired", "policy_repaired"]);
      for (const action of ["drift.access_repaired", "drift.policy_repaired"]) {
        const events = (await h.modules.audit.list({ action, limit: 10 })).items.filter(
          (e) => e.details["subscriptionId"] === m.subscriptionId,
        );
        assert.equal(events.length, 1, action);
        assert.equal(events[0]?.actorKind, "system");
        assert.equal(events[0]?.orgId, w.orgA.id);
      }

      const quiet = await drift.checkAll();
      assert.deepEqual(
        quiet.results.map((r) => [r.access, r.policy, r.findings.length]),
        [["ok", "ok", 0]],
        "a second check finds nothing to do",
      );
    });

    void test("a policy assignment changed to another list, or set not to enforce, is applied again", async () => {
      const m = managedIn(newSubscription());
      await onboard(m);
      const azure = integrations.azureResources(seed.tenantId);
      const drift = checker([m]);
      must(
        await azure.ensurePolicyAssignment({
          subscriptionId: m.subscriptionId,
          name: POLICY_NAME,
          displayName: "Partner Cloud allowed services (IaaS)",
          allowedResourceTypes: ["Microsoft.Storage/storageAccounts"],
        }),
      );
      const changed = await drift.checkOne(m);
      assert.equal(changed.policy, "repaired");
      assert.match(changed.findings[0]?.message ?? "", /no longer allowed the preset's resource types/);

      const current = emu.state.policyAssignment(`/subscriptions/${m.subscriptionId}`, POLICY_NAME);
      assert.ok(current);
      emu.state.putPolicyAssignment({ ...current, enforcementMode: "DoNotEnforce" });
      const relaxed = await drift.checkOne(m);
      assert.equal(relaxed.policy, "repaired");
      assert.match(relaxed.findings[0]?.message ?? "", /had been set not to enforce/);
      const after = must(await azure.policyAssignments(m.subscriptionId)).find((p) => p.name === POLICY_NAME);
      assert.equal(after?.enforced, true);
    });

    void test("when the customer's tenant stops letting Partner Cloud in, access_lost is opened once with the fix, and closed when access returns", async () => {
      const customer = emu.state.addTenant({
        domain: `lost${++n}.onmicrosoft.com`,
        displayName: "Lost access",
      });
      emu.state.grantConsent(seed.clientId, customer.id, ["https://management.azure.com/user_impersonation"]);
      const m = managedIn(newSubscription(customer.id), customer.id);
      const drift = checker([m]);
      const first = await drift.checkOne(m);
      assert.deepEqual(
        [first.access, first.policy],
        ["repaired", "repaired"],
        "a subscription never set up is set up",
      );

      emu.state.removeConsent(seed.clientId, customer.id);
      h.clock.advance(2 * HOUR);
      const lost = await drift.checkAll();
      assert.equal(lost.accessLost, 1);
      const [result] = lost.results;
      assert.deepEqual([result?.access, result?.policy], ["lost", "not_checked"]);
      const [finding] = result?.findings ?? [];
      assert.equal(finding?.kind, "access_lost");
      assert.equal(finding?.status, "open");
      assert.equal(finding?.severity, "high");
      assert.match(
        finding?.message ?? "",
        /lost its access to subscription .* no longer lets Partner Cloud's application sign in/,
      );
      assert.match(finding?.message ?? "", /partner earned credit/);
      assert.match(finding?.fix ?? "", /customer's administrator must restore the partner's access/);

      const again = await drift.checkAll();
      assert.deepEqual(again.results[0]?.findings, [], "the open finding is not recorded twice");
      const open = (await h.modules.governance.openFindings()).filter(
        (f) => f.subscriptionId === m.subscriptionId,
      );
      assert.equal(open.length, 1);

      const listed = await h.request(await as("operator"), "GET", "/api/v1/drift-findings?status=open");
      assert.equal(listed.status, 200, listed.body);
      assert.ok((listed.json() as { items: { id: string }[] }).items.some((f) => f.id === finding?.id));

      emu.state.grantConsent(seed.clientId, customer.id, ["https://management.azure.com/user_impersonation"]);
      h.clock.advance(2 * HOUR);
      const back = await drift.checkOne(m);
      assert.deepEqual([back.access, back.policy], ["ok", "ok"]);
      assert.deepEqual(
        back.findings.map((f) => [f.id, f.kind, f.status]),
        [[finding?.id, "access_lost", "resolved"]],
      );
      assert.equal(
        (await h.modules.governance.openFindings()).filter((f) => f.subscriptionId === m.subscriptionId)
          .length,
        0,
      );
      const resolved = (await h.modules.audit.list({ action: "drift.finding_resolved", limit: 10 })).items;
      assert.ok(resolved.some((e) => e.targetId === finding?.id));
    });

    void test("a subscription Azure no longer lets Partner Cloud touch (AuthorizationFailed) is flagged access_lost", async () => {
      const elsewhere = emu.state.addTenant({
        domain: `moved${++n}.onmicrosoft.com`,
        displayName: "Moved away",
      });
      const m = managedIn(newSubscription(elsewhere.id));
      const result = await checker([m]).checkOne(m);
      assert.equal(result.access, "lost");
      assert.match(
        result.findings[0]?.message ?? "",
        /Azure refuses Partner Cloud's calls on it \(AuthorizationFailed\)/,
      );
      assert.match(
        result.findings[0]?.fix ?? "",
        new RegExp(`grant principal ${m.access.principalId} the Contributor role`),
      );
    });

    void test("of two worker processes only one checks a subscription at a time; a dead holder's lease expires", async () => {
      const m = managedIn(newSubscription());
      await onboard(m);
      const [a, b] = await Promise.all([checker([m]).checkOne(m), checker([m]).checkOne(m)]);
      assert.deepEqual([a.skipped, b.skipped].sort(), [false, true]);

      const until = new Date(h.clock.now().getTime() + 5 * 60_000);
      await h.database.query(
        "INSERT INTO drift_check_leases (subscription_id, holder, expires_at) VALUES ($1, 'crashed worker', $2)",
        [m.subscriptionId, until.toISOString()],
      );
      assert.equal((await checker([m]).checkOne(m)).skipped, true);
      h.clock.advance(6 * 60_000);
      const taken = await checker([m]).checkOne(m);
      assert.deepEqual([taken.skipped, taken.access, taken.policy], [false, "ok", "ok"]);
    });

    void test("a check asked for while one runs joins it, and the schedule skips ticks until it is done", async () => {
      let lists = 0;
      const slow: DriftCheckerDeps["managedSubscriptions"] = async () => {
        lists++;
        await new Promise((r) => setTimeout(r, 120));
        return [];
      };
      const drift = checker([], { managedSubscriptions: slow });
      const first = drift.checkAll();
      assert.equal(drift.checkAll(), first, "the second request joins the running check");
      await first;
      assert.equal(lists, 1);

      lists = 0;
      const schedule = drift.startSchedule({ intervalMs: 10 });
      await new Promise((r) => setTimeout(r, 300));
      await schedule.stop();
      assert.ok(lists >= 1 && lists <= 3, `${lists} checks ran in 300 ms with 120 ms each`);
      const stopped = lists;
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(lists, stopped, "no check starts after stop");
    });

    void test("operators run a check through the API; without Microsoft it is refused as not connected", async () => {
      const res = await h.request(await as("operator"), "POST", "/api/v1/drift-checks");
      assert.equal(res.status, 200, res.body);
      const summary = res.json() as { checked: number; results: unknown[] };
      assert.deepEqual(
        [summary.checked, summary.results],
        [0, []],
        "no subscription is managed through this harness",
      );
      const [run] = (await h.modules.audit.list({ action: "drift.check_run", limit: 1 })).items;
      assert.equal(run?.actorId, w.ids.operator);
      assert.equal(run?.details["checked"], 0);

      const offline = createGovernance({
        db: h.database.db,
        audit: h.modules.audit,
        clock: h.clock,
        managedSubscriptions: () => Promise.resolve([]),
        azureResources: null,
      });
      assert.equal(offline.drift, null);
      const refused = await offline.runDriftCheck(w.operator);
      assert.ok(!refused.ok);
      assert.equal(refused.error.code, "microsoft_not_connected");
    });
  });
}
