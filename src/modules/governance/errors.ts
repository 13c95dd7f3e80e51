import { appError } from "../../platform/result.ts";

/** The failures governance reports. Codes are persisted in clients' code: never rename one. */
export const governanceErrors = {
  forbidden: () =>
    appError(
      "forbidden",
      "Only partner operators manage the allowed-services presets and drift checks. Ask an operator.",
    ),
  presetNotFound: (presetId: string) =>
    appError(
      "not_found",
      `No allowed-services preset with id ${presetId} exists. Check the id in GET /api/v1/allowed-services/presets.`,
    ),
  /** `field` is the request field that named the preset: `allowedServices` when a provider picks one. */
  unknownPreset: (presetId: string, field = "allowedServices") =>
    appError(
      "unknown_preset",
      `${field}: there is no allowed-services preset "${presetId}". Pick one of the presets GET /api/v1/allowed-services/presets lists, or leave it out for the partner's default.`,
      { field, presetId },
    ),
  unknownServices: (ids: readonly string[]) =>
    appError(
      "unknown_service",
      `serviceIds: ${ids.join(", ")} ${ids.length === 1 ? "is not a service" : "are not services"} of the catalog. Use the ids GET /api/v1/allowed-services/catalog lists.`,
      { field: "serviceIds", serviceIds: [...ids] },
    ),
  presetExists: (presetId: string) =>
    appError(
      "preset_exists",
      `id: a preset "${presetId}" already exists. Choose another id, or change that preset with PATCH.`,
      { field: "id", presetId },
    ),
  builtInPreset: (presetId: string, change: "changed" | "deleted") =>
    appError(
      "built_in_preset",
      `"${presetId}" is a built-in preset and cannot be ${change}. Create a custom preset with the services you want instead.`,
      { presetId },
    ),
  presetIsDefault: (presetId: string) =>
    appError(
      "preset_in_use",
      `The preset "${presetId}" is the partner's default, so it cannot be deleted. Make another preset the default first (PATCH /api/v1/allowed-services/settings).`,
      { presetId, usedBy: "default" },
    ),
  presetApplied: (presetId: string, subscriptions: number) =>
    appError(
      "preset_in_use",
      `The preset "${presetId}" is applied to ${subscriptions} managed subscription${subscriptions === 1 ? "" : "s"}, so it cannot be deleted: drift checks re-apply it. Delete it once no subscription uses it.`,
      { presetId, usedBy: "subscriptions", subscriptions },
    ),
  notConnected: () => ({
    ...appError(
      "microsoft_not_connected",
      "Partner Cloud is not connected to Microsoft, so subscriptions cannot be checked for drift now. Ask the operator to configure the Microsoft connection, then try again.",
    ),
    retryable: true,
  }),
};

export type GovernanceError = ReturnType<(typeof governanceErrors)[keyof typeof governanceErrors]>;
