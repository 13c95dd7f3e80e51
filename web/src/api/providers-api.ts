import { ApiError } from "./api-error.ts";
import type { HttpClient } from "./http-client.ts";
import type {
  AllowedServicesPreset,
  OnboardingProgress,
  Page,
  Provider,
  ProviderEvent,
  ProviderOption,
  ShutdownRequest,
} from "./types.ts";

export type NewCustomerProfile = {
  companyName: string;
  domainPrefix?: string;
  address: {
    addressLine1: string;
    addressLine2?: string;
    city: string;
    state?: string;
    postalCode: string;
    country: string;
  };
  contact: { firstName: string; lastName: string; email: string; phoneNumber?: string };
};

export type NewProviderInput =
  | {
      name: string;
      option: "existing-account";
      tenant: string;
      subscriptionId: string;
      clientId: string;
      clientSecret: string;
    }
  | {
      name: string;
      option: "migrate-tenant";
      billingAccountId: string;
      adminEmail: string;
      primaryDomain: string;
    }
  | {
      name: string;
      option: "new-customer";
      billingAccountId: string;
      allowedServices?: string;
      customer?: NewCustomerProfile;
    };

export type DeletedProvider = { provider: Provider; notice: string };

const one = (id: string) => `/providers/${encodeURIComponent(id)}`;

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value : null;
}

/** The presets as listed, read leniently: each needs an id, and a label to show (its name when it has none). */
function presetsFrom(body: unknown): AllowedServicesPreset[] {
  const list: unknown = Array.isArray(body) ? body : (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(list)) return [];
  return list.flatMap((p: unknown) => {
    if (typeof p !== "object" || p === null) return [];
    const r = p as Record<string, unknown>;
    const id = text(r["id"]) ?? text(r["preset"]) ?? text(r["name"]);
    if (!id) return [];
    return [
      {
        id,
        label: text(r["label"]) ?? text(r["name"]) ?? id,
        description: text(r["description"]),
        isDefault: r["isDefault"] === true,
      },
    ];
  });
}

/** Microsoft Azure providers of workspaces: the wizard's options, creation, onboarding progress, upkeep. */
export function providersApi(http: HttpClient) {
  return {
    options: () => http.get<{ items: ProviderOption[] }>("/provider-options").then((r) => r.items),
    /** The allowed-services presets the partner offers, or null when this server offers none. */
    async allowedServicesPresets(): Promise<AllowedServicesPreset[] | null> {
      try {
        return presetsFrom(await http.get<unknown>("/allowed-services/presets"));
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    listInWorkspace: (workspaceId: string) =>
      http
        .get<Page<Provider>>(`/workspaces/${encodeURIComponent(workspaceId)}/providers`, { limit: 200 })
        .then((p) => p.items),
    create: (workspaceId: string, input: NewProviderInput) =>
      http.post<Provider>(`/workspaces/${encodeURIComponent(workspaceId)}/providers`, input),
    get: (id: string) => http.get<Provider>(one(id)),
    rename: (id: string, name: string) => http.patch<Provider>(one(id), { name }),
    remove: (id: string) => http.delete<DeletedProvider>(one(id)),
    sync: (id: string) => http.post<Provider>(`${one(id)}/sync`),
    logs: (id: string, cursor?: string) =>
      http.get<Page<ProviderEvent>>(`${one(id)}/logs`, { limit: 50, cursor }),
    requestShutdown: (id: string, reason: string) =>
      http.post<ShutdownRequest>(`${one(id)}/shutdown-requests`, { reason }),
    onboarding: (id: string) => http.get<OnboardingProgress>(`${one(id)}/onboarding`),
    /** The server-sent events of a provider's onboarding (`event: progress`), authenticated by the session cookie. */
    onboardingStreamUrl: (id: string) => http.urlOf(`${one(id)}/onboarding/stream`),
  };
}
