import {
  AuthorizationManagementClient,
  type RoleAssignment as SdkRoleAssignment,
} from "@azure/arm-authorization";
import { PolicyClient, type PolicyAssignment as SdkPolicyAssignment } from "@azure/arm-policy";
import { SubscriptionClient, type Subscription as SdkSubscription } from "@azure/arm-resources-subscriptions";
import { z } from "zod";
import type { Clock } from "../../platform/clock.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import { armErrorOf } from "./arm-errors.ts";
import type { TokenSource } from "../entra/index.ts";
import type { HttpExchange } from "../http/index.ts";
import type {
  ArmError,
  AzureResources,
  AzureRole,
  AzureSubscription,
  PolicyAssignment,
  ResourceTypeRule,
  RoleAssignment,
} from "./port.ts";
import { TenantAppCredential } from "./token-credential.ts";

/** Built-in Azure role ids, the same in every tenant (azure-docs built-in roles). */
const roleIds: Record<AzureRole, string> = {
  Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  UserAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
};

/** Built-in policy definitions "Allowed resource types" and "Not allowed resource types" (Azure/azure-policy). */
const allowedTypesPolicy =
  "/providers/Microsoft.Authorization/policyDefinitions/a08ec900-254a-4555-9bf5-e42af04b5c5c";
const notAllowedTypesPolicy =
  "/providers/Microsoft.Authorization/policyDefinitions/6c112d4e-5bc7-47ae-a041-ea2d9dccd749";

const SubscriptionShape = z.object({
  subscriptionId: z.string(),
  tenantId: z.string(),
  displayName: z.string(),
  state: z.enum(["Enabled", "Warned", "PastDue", "Disabled", "Deleted"]),
  subscriptionPolicies: z.object({ quotaId: z.string().optional() }).optional(),
  managedByTenants: z.array(z.object({ tenantId: z.string() })).optional(),
});

const RoleAssignmentShape = z.object({
  name: z.string(),
  principalId: z.string(),
  roleDefinitionId: z.string(),
});

const PolicyAssignmentShape = z.object({
  name: z.string(),
  displayName: z.string().optional(),
  policyDefinitionId: z.string(),
  enforcementMode: z.string().optional(),
  parameters: z.record(z.string(), z.object({ value: z.unknown() })).optional(),
});

const TypeList = z.array(z.string());

export type AzureResourcesDeps = {
  /** Azure Resource Manager's base URL (https://management.azure.com, or the emulator). */
  readonly endpoint: string;
  /** PEM of a CA to trust for that endpoint, or undefined for the system's CAs. */
  readonly ca: string | undefined;
  readonly tokens: Pick<TokenSource, "appToken">;
  /** The customer's tenant, in which Partner Cloud's application acts. */
  readonly tenantId: string;
  readonly clock: Clock;
  /** How often the SDK retries a throttled or failed call before we see the error (SDK default: 3). */
  readonly maxRetries?: number;
  /** Told of every request the SDK sends, each retry included, as our own HTTP client tells its observer. */
  readonly observe?: ((exchange: HttpExchange) => void) | undefined;
};

type PipelinePolicy = Parameters<SubscriptionClient["pipeline"]["addPolicy"]>[0];

/**
 * Reports each attempt once it is signed, so the time measured is the request's alone, not the token's. The SDK
 * does not say whether a failed request was sent, so a failure without an answer counts as unreachable.
 */
function observingPolicy(observe: (exchange: HttpExchange) => void): PipelinePolicy {
  return {
    name: "partnerCloudObserver",
    async sendRequest(request, next) {
      const url = new URL(request.url);
      const method = request.method as HttpExchange["method"];
      const started = performance.now();
      const report = (status: number | null) =>
        observe({
          method,
          host: url.host,
          path: url.pathname,
          status,
          error: status === null ? "http_unreachable" : null,
          ms: performance.now() - started,
        });
      try {
        const response = await next(request);
        report(response.status);
        return response;
      } catch (e) {
        const status = (e as { statusCode?: unknown }).statusCode;
        report(typeof status === "number" ? status : null);
        throw e;
      }
    },
  };
}

const roleOf = (roleDefinitionId: string): AzureRole | null => {
  const guid = roleDefinitionId.split("/").at(-1)?.toLowerCase();
  return (Object.keys(roleIds) as AzureRole[]).find((r) => roleIds[r] === guid) ?? null;
};

function toRoleAssignment(subscriptionId: string, a: SdkRoleAssignment): RoleAssignment {
  const r = RoleAssignmentShape.parse(a);
  return {
    assignmentId: r.name,
    subscriptionId,
    principalId: r.principalId,
    role: roleOf(r.roleDefinitionId),
    roleDefinitionId: r.roleDefinitionId,
  };
}

function ruleOf(p: z.infer<typeof PolicyAssignmentShape>): ResourceTypeRule | null {
  const definition = p.policyDefinitionId.toLowerCase();
  if (definition === allowedTypesPolicy.toLowerCase()) {
    const types = TypeList.safeParse(p.parameters?.["listOfResourceTypesAllowed"]?.value);
    return types.success ? { allowedResourceTypes: types.data } : null;
  }
  if (definition === notAllowedTypesPolicy.toLowerCase()) {
    const types = TypeList.safeParse(p.parameters?.["listOfResourceTypesNotAllowed"]?.value);
    return types.success ? { notAllowedResourceTypes: types.data } : null;
  }
  return null;
}

function toPolicyAssignment(subscriptionId: string, a: SdkPolicyAssignment): PolicyAssignment {
  const p = PolicyAssignmentShape.parse(a);
  return {
    subscriptionId,
    name: p.name,
    displayName: p.displayName ?? p.name,
    rule: ruleOf(p),
    policyDefinitionId: p.policyDefinitionId,
    enforced: p.enforcementMode !== "DoNotEnforce",
  };
}

const toSubscription = (s: SdkSubscription): AzureSubscription => {
  const parsed = SubscriptionShape.parse(s);
  return {
    subscriptionId: parsed.subscriptionId,
    tenantId: parsed.tenantId,
    displayName: parsed.displayName,
    state: parsed.state,
    quotaId: parsed.subscriptionPolicies?.quotaId ?? null,
    managedByTenants: (parsed.managedByTenants ?? []).map((t) => t.tenantId.toLowerCase()),
  };
};

/**
 * Azure Resource Manager through Microsoft's own SDK clients, pointed at `endpoint` (D2): tokens for
 * management.azure.com whatever the host, the CA passed per client rather than process-wide. The SDK retries 429
 * and 503 honouring Retry-After and backs off on other transient failures; what still fails becomes our error.
 */
export function createAzureResources(deps: AzureResourcesDeps): AzureResources {
  const credential = new TenantAppCredential(deps.tokens, deps.tenantId);
  const options = {
    endpoint: deps.endpoint.replace(/\/+$/, ""),
    credentialScopes: ["https://management.azure.com/.default"],
    ...(deps.ca === undefined ? {} : { tlsOptions: { ca: deps.ca } }),
    ...(deps.maxRetries === undefined ? {} : { retryOptions: { maxRetries: deps.maxRetries } }),
  };
  const observed = <C extends { pipeline: SubscriptionClient["pipeline"] }>(client: C): C => {
    if (deps.observe) client.pipeline.addPolicy(observingPolicy(deps.observe), { afterPhase: "Sign" });
    return client;
  };
  const subscriptionsClient = observed(new SubscriptionClient(credential, options));
  const authorization = new Map<string, AuthorizationManagementClient>();
  const policy = new Map<string, PolicyClient>();
  const authorizationIn = (subscriptionId: string) => {
    const client =
      authorization.get(subscriptionId) ??
      observed(new AuthorizationManagementClient(credential, subscriptionId, options));
    authorization.set(subscriptionId, client);
    return client;
  };
  const policyIn = (subscriptionId: string) => {
    const client =
      policy.get(subscriptionId) ?? observed(new PolicyClient(credential, subscriptionId, options));
    policy.set(subscriptionId, client);
    return client;
  };
  const scopeOf = (subscriptionId: string) => `/subscriptions/${subscriptionId}`;

  async function attempt<T>(call: () => Promise<T>): Promise<Result<T, ArmError>> {
    try {
      return ok(await call());
    } catch (e) {
      return err(armErrorOf(e, deps.clock.now()));
    }
  }

  async function collect<S, T>(pages: AsyncIterable<S>, map: (s: S) => T): Promise<T[]> {
    const all: T[] = [];
    for await (const item of pages) all.push(map(item));
    return all;
  }

  const roleAssignments = (subscriptionId: string) =>
    attempt(() =>
      collect(authorizationIn(subscriptionId).roleAssignments.listForSubscription(), (a) =>
        toRoleAssignment(subscriptionId, a),
      ),
    );

  return {
    subscriptions: () => attempt(() => collect(subscriptionsClient.subscriptions.list(), toSubscription)),

    subscription: (subscriptionId) =>
      attempt(async () => toSubscription(await subscriptionsClient.subscriptions.get(subscriptionId))),

    ensureRoleAssignment: async ({ subscriptionId, assignmentId, principalId, principalType, role }) => {
      const scope = scopeOf(subscriptionId);
      const roleDefinitionId = `${scope}/providers/Microsoft.Authorization/roleDefinitions/${roleIds[role]}`;
      const created = await attempt(async () =>
        toRoleAssignment(
          subscriptionId,
          await authorizationIn(subscriptionId).roleAssignments.create(scope, assignmentId, {
            roleDefinitionId,
            principalId,
            ...(principalType ? { principalType } : {}),
          }),
        ),
      );
      // 409 RoleAssignmentExists: the same principal already has this role here under another name (C3). The
      // grant we wanted exists, so adopt it instead of failing.
      if (created.ok || created.error.details.microsoftCode !== "RoleAssignmentExists") return created;
      const listed = await roleAssignments(subscriptionId);
      if (!listed.ok) return listed;
      const twin = listed.value.find(
        (a) => a.principalId.toLowerCase() === principalId.toLowerCase() && a.role === role,
      );
      return twin ? ok(twin) : created;
    },

    roleAssignments,

    ensurePolicyAssignment: (input) => {
      const allowed = "allowedResourceTypes" in input;
      return attempt(async () =>
        toPolicyAssignment(
          input.subscriptionId,
          await policyIn(input.subscriptionId).policyAssignments.create(
            scopeOf(input.subscriptionId),
            input.name,
            {
              displayName: input.displayName,
              policyDefinitionId: allowed ? allowedTypesPolicy : notAllowedTypesPolicy,
              parameters: allowed
                ? { listOfResourceTypesAllowed: { value: [...input.allowedResourceTypes] } }
                : { listOfResourceTypesNotAllowed: { value: [...input.notAllowedResourceTypes] } },
              enforcementMode: "Default",
            },
          ),
        ),
      );
    },

    policyAssignments: (subscriptionId) =>
      attempt(() =>
        collect(policyIn(subscriptionId).policyAssignments.list(), (a) =>
          toPolicyAssignment(subscriptionId, a),
        ),
      ),

    deletePolicyAssignment: (subscriptionId, name) =>
      attempt(async () => {
        await policyIn(subscriptionId).policyAssignments.delete(scopeOf(subscriptionId), name);
      }),
  };
}
