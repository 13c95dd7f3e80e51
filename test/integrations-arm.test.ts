import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { PolicyClient } from "@azure/arm-policy";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ClientSecretCredential } from "@azure/identity";
import { type DemoSeed, type RunningEmulator } from "../src/emulator/index.ts";
import {
  armErrorOf,
  createAzureResources,
  type ArmError,
  type ArmErrorCode,
  type AzureResources,
} from "../src/integrations/arm/index.ts";
import {
  createEntraTokenSource,
  microsoftResources,
  type TokenSource,
} from "../src/integrations/entra/index.ts";
import { createHttpClient } from "../src/integrations/http/index.ts";
import { systemClock } from "../src/platform/clock.ts";
import type { Result } from "../src/platform/result.ts";
import { emulatorClient } from "./support/emulator-client.ts";
import { startSeededEmulator } from "./support/seeded-emulator.ts";

void describe("the Azure Resource Manager adapter against the emulator", () => {
  let emu: RunningEmulator;
  let seed: DemoSeed;
  let ca: string;
  let tokens: TokenSource;
  let azure: AzureResources;

  const adapter = (t: Pick<TokenSource, "appToken">, tenantId = seed.tenantId) =>
    createAzureResources({
      endpoint: emu.baseUrl,
      ca,
      tokens: t,
      tenantId,
      clock: systemClock,
      maxRetries: 0,
    });

  /** Microsoft's own SDK clients, signed in with the partner's application, to see what the adapter did. */
  const microsoft = () => {
    const credential = new ClientSecretCredential(seed.tenantId, seed.clientId, seed.clientSecret, {
      authorityHost: emu.baseUrl,
      disableInstanceDiscovery: true,
      tlsOptions: { ca },
    });
    const options = {
      endpoint: emu.baseUrl,
      credentialScopes: ["https://management.azure.com/.default"],
      tlsOptions: { ca },
    };
    return {
      authorization: new AuthorizationManagementClient(credential, seed.subscriptionId, options),
      policy: new PolicyClient(credential, seed.subscriptionId, options),
      resources: new ResourceManagementClient(credential, seed.subscriptionId, options),
    };
  };

  const fault = async (rule: Record<string, unknown>) => {
    const res = await emulatorClient(emu).request("POST", "/_emulator/faults", { json: rule });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  };

  before(async () => {
    ({ emu, seed } = await startSeededEmulator("int-arm"));
    ca = await readFile(emu.caPath, "utf8");
    tokens = createEntraTokenSource({
      http: createHttpClient({ baseUrl: emu.baseUrl, ca }),
      partnerTenantId: seed.tenantId,
      clientId: seed.clientId,
      clientSecret: seed.clientSecret,
      clock: systemClock,
    });
    azure = adapter(tokens);
  });
  after(async () => {
    await emu.close();
  });

  void test("lists the subscriptions of the tenant and reads one by id", async () => {
    const all = await azure.subscriptions();
    assert.ok(all.ok, JSON.stringify(all));
    assert.deepEqual(
      all.value.map((s) => s.subscriptionId),
      [seed.subscriptionId],
    );
    const one = await azure.subscription(seed.subscriptionId);
    assert.ok(one.ok);
    assert.deepEqual(one.value, {
      subscriptionId: seed.subscriptionId,
      tenantId: seed.tenantId,
      displayName: "Partner Cloud demo",
      state: "Enabled",
      quotaId: "CSP_2015-05-01",
      managedByTenants: [],
    });
  });

  void test("a role granted through the adapter is found by Microsoft's SDK, and granting it again changes nothing", async () => {
    const principalId = randomUUID();
    const assignmentId = randomUUID();
    const input = {
      subscriptionId: seed.subscriptionId,
      assignmentId,
      principalId,
      principalType: "ServicePrincipal" as const,
      role: "Contributor" as const,
    };
    const first = await azure.ensureRoleAssignment(input);
    assert.ok(first.ok, JSON.stringify(first));
    assert.equal(first.value.assignmentId, assignmentId);
    assert.equal(first.value.role, "Contributor");
    const again = await azure.ensureRoleAssignment(input);
    assert.deepEqual(again, first);

    const seen = await microsoft().authorization.roleAssignments.get(
      `/subscriptions/${seed.subscriptionId}`,
      assignmentId,
    );
    assert.equal(seen.principalId, principalId);
    assert.equal(seen.principalType, "ServicePrincipal", "the principal's kind travels with the grant");
    assert.match(seen.roleDefinitionId ?? "", /b24988ac-6180-42a0-ab88-20f7382dd24c$/);
    const listed = await azure.roleAssignments(seed.subscriptionId);
    assert.ok(listed.ok);
    assert.ok(listed.value.some((a) => a.assignmentId === assignmentId && a.principalId === principalId));
  });

  void test("a policy assignment made through the adapter is found by Microsoft's SDK, denies other resource types, and can be removed", async () => {
    const name = "pc-allowed-types-test";
    const made = await azure.ensurePolicyAssignment({
      subscriptionId: seed.subscriptionId,
      name,
      displayName: "Partner Cloud: allowed resource types",
      allowedResourceTypes: ["Microsoft.Storage/storageAccounts"],
    });
    assert.ok(made.ok, JSON.stringify(made));
    assert.deepEqual(made.value.rule, { allowedResourceTypes: ["Microsoft.Storage/storageAccounts"] });
    const sdk = microsoft();
    const seen = await sdk.policy.policyAssignments.get(`/subscriptions/${seed.subscriptionId}`, name);
    assert.match(seen.policyDefinitionId ?? "", /a08ec900-254a-4555-9bf5-e42af04b5c5c$/);
    assert.deepEqual(seen.parameters?.["listOfResourceTypesAllowed"]?.value, [
      "Microsoft.Storage/storageAccounts",
    ]);
    const listed = await azure.policyAssignments(seed.subscriptionId);
    assert.ok(listed.ok);
    assert.deepEqual(
      listed.value.filter((p) => p.name === name).map((p) => [p.displayName, p.enforced]),
      [["Partner Cloud: allowed resource types", true]],
    );

    const removed = await azure.deletePolicyAssignment(seed.subscriptionId, name);
    assert.ok(removed.ok);
    assert.ok(
      (await azure.deletePolicyAssignment(seed.subscriptionId, name)).ok,
      "removing it twice is fine",
    );
    const after = await azure.policyAssignments(seed.subscriptionId);
    assert.ok(after.ok);
    assert.equal(after.value.filter((p) => p.name === name).length, 0);
  });

  void test("each Azure Resource Manager failure becomes our typed error, and a grant made before under another name is adopted", async () => {
    const sub = seed.subscriptionId;
    const other = emu.state.addTenant({ domain: "othertenant.onmicrosoft.com", displayName: "Other" });
    const foreign = emu.state.addSubscription({ tenantId: other.id, displayName: "Not ours" });
    const principalId = randomUUID();
    const existing = await azure.ensureRoleAssignment({
      subscriptionId: sub,
      assignmentId: randomUUID(),
      principalId,
      role: "Reader",
    });
    assert.ok(existing.ok);
    const wrongAudience = adapter({
      appToken: (tenant) => tokens.appToken(tenant, microsoftResources.partnerCenter),
    });
    await azure.ensurePolicyAssignment({
      subscriptionId: sub,
      name: "pc-no-compute",
      displayName: "No virtual machines",
      notAllowedResourceTypes: ["Microsoft.Compute/virtualMachines"],
    });
    await microsoft().resources.resourceGroups.createOrUpdate("rg-policy", { location: "westeurope" });
    const policyDenial = async () => {
      try {
        await microsoft().resources.resources.beginCreateOrUpdateAndWait(
          "rg-policy",
          "Microsoft.Compute",
          "",
          "virtualMachines",
          "vm1",
          "2024-07-01",
          { location: "westeurope" },
        );
        return null;
      } catch (e) {
        return armErrorOf(e, new Date());
      }
    };

    const failure = async (call: Promise<Result<unknown, ArmError>>) => {
      const r = await call;
      return r.ok ? null : r.error;
    };
    const cases: {
      name: string;
      run: () => Promise<ArmError | null>;
      code: ArmErrorCode;
      microsoftCode: string | null;
    }[] = [
      {
        name: "unknown subscription",
        run: () => failure(azure.subscription(randomUUID())),
        code: "azure_not_found",
        microsoftCode: "SubscriptionNotFound",
      },
      {
        name: "another tenant's subscription",
        run: () => failure(azure.roleAssignments(foreign.subscriptionId)),
        code: "azure_forbidden",
        microsoftCode: "AuthorizationFailed",
      },
      {
        name: "a token for another audience",
        run: () => failure(wrongAudience.subscriptions()),
        code: "azure_sign_in_failed",
        microsoftCode: null,
      },
      {
        name: "an assignment id reused for another principal",
        run: () =>
          failure(
            azure.ensureRoleAssignment({
              subscriptionId: sub,
              assignmentId: existing.value.assignmentId,
              principalId: randomUUID(),
              role: "Reader",
            }),
          ),
        code: "azure_assignment_conflict",
        microsoftCode: "RoleAssignmentUpdateNotPermitted",
      },
      {
        name: "a tenant that never consented to Partner Cloud's application",
        run: () => failure(adapter(tokens, other.id).subscriptions()),
        code: "azure_sign_in_failed",
        microsoftCode: null,
      },
      {
        name: "throttling, once the SDK's retries are spent",
        run: async () => {
          await fault({
            route: "GET /subscriptions/:sub",
            kind: "status",
            status: 429,
            retryAfterSeconds: 1,
          });
          const error = await failure(azure.subscription(sub));
          assert.equal(error?.details.retryAfterSeconds, 1);
          return error;
        },
        code: "azure_throttled",
        microsoftCode: "TooManyRequests",
      },
      {
        name: "a server error",
        run: async () => {
          await fault({ route: "GET /subscriptions/:sub", kind: "status", status: 500 });
          return failure(azure.subscription(sub));
        },
        code: "azure_unavailable",
        microsoftCode: null,
      },
      {
        name: "a resource type the policy forbids",
        run: policyDenial,
        code: "azure_policy_denied",
        microsoftCode: "RequestDisallowedByPolicy",
      },
    ];
    for (const c of cases) {
      const error = await c.run();
      assert.ok(error, `${c.name}: expected a failure`);
      assert.equal(error.code, c.code, c.name);
      assert.equal(error.retryable, c.code === "azure_throttled" || c.code === "azure_unavailable", c.name);
      if (c.microsoftCode) assert.equal(error.details.microsoftCode, c.microsoftCode, c.name);
      assert.ok(error.message.length > 20, c.name);
    }
    const denial = await policyDenial();
    assert.match(denial?.details.policyAssignmentId ?? "", /policyAssignments\/pc-no-compute$/);

    const twin = await azure.ensureRoleAssignment({
      subscriptionId: sub,
      assignmentId: randomUUID(),
      principalId,
      role: "Reader",
    });
    assert.ok(twin.ok, JSON.stringify(twin));
    assert.equal(
      twin.value.assignmentId,
      existing.value.assignmentId,
      "the grant under the other name is returned",
    );
  });
});
