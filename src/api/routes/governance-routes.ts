import { z } from "zod";
import { serviceCatalog, serviceCategories } from "../../modules/governance/index.ts";
import { toPage } from "../../platform/pagination.ts";
import { ok } from "../../platform/result.ts";
import type { ApiDeps, App } from "../context.ts";
import { callerOf, respond } from "../respond.ts";
import { errorResponses, pageOfSchema, pageQuery, strict, text } from "../schemas.ts";

const at = z.date();

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const presetId = (field: string) =>
  z
    .string({ error: `${field} is required: a preset id in kebab-case such as iaas or web-and-data` })
    .min(2, `${field} must be at least 2 characters`)
    .max(40, `${field} must be at most 40 characters`)
    .regex(
      KEBAB,
      `${field} must be kebab-case (lower-case letters, digits and single dashes) such as web-and-data`,
    );

const catalogIds = new Set(serviceCatalog.map((s) => s.id));

const serviceIds = z
  .array(
    z
      .string({ error: "each of serviceIds must be a service id such as virtual-machines" })
      .regex(KEBAB, "each of serviceIds must be a service id such as virtual-machines"),
    { error: 'serviceIds must be a list of service ids such as ["virtual-machines", "storage-accounts"]' },
  )
  .min(1, "serviceIds must list at least one service of GET /api/v1/allowed-services/catalog")
  .max(catalogIds.size, `serviceIds must list at most ${catalogIds.size} services`);

const CatalogSchema = z.object({
  categories: z.array(z.enum(serviceCategories)),
  services: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      category: z.enum(serviceCategories),
      resourceTypes: z.array(z.string()),
      required: z.boolean().describe("Allowed by every preset: a subscription needs it to work at all"),
    }),
  ),
});

const PresetSchema = z.object({
  id: z.string(),
  label: z.string(),
  description: z.string(),
  builtIn: z.boolean(),
  serviceIds: z.array(z.string()),
  isDefault: z.boolean().describe("Applied to a new subscription when no preset is picked"),
  createdAt: at,
  updatedAt: at,
});

const SettingsSchema = z.object({ defaultPresetId: z.string(), updatedAt: at.nullable() });

const findingKind = z.enum(["access_lost", "access_repaired", "policy_repaired"]);
const findingStatus = z.enum(["open", "resolved"], { error: "status must be 'open' or 'resolved'" });

const FindingSchema = z.object({
  id: z.string(),
  providerId: z.string(),
  orgId: z.string(),
  subscriptionId: z.string(),
  kind: findingKind,
  severity: z.enum(["high", "medium"]),
  status: findingStatus,
  message: z.string(),
  fix: z.string().nullable().describe("What someone must do, when Partner Cloud could not repair it itself"),
  detectedAt: at,
  resolvedAt: at.nullable(),
});

const DriftCheckSummarySchema = z.object({
  startedAt: at,
  finishedAt: at,
  checked: z.number(),
  repaired: z.number(),
  accessLost: z.number(),
  failed: z.number(),
  skipped: z.number(),
  results: z.array(
    z.object({
      providerId: z.string(),
      orgId: z.string(),
      subscriptionId: z.string(),
      access: z.enum(["ok", "repaired", "lost", "not_checked"]),
      policy: z.enum(["ok", "repaired", "not_checked"]),
      skipped: z.boolean().describe("Another process was checking this subscription"),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
      findings: z.array(FindingSchema),
    }),
  ),
});

const presetParams = z.object({ presetId: presetId("presetId") });
const conflictErrors = { ...errorResponses, 409: errorResponses[400] };

/** The allowed-services catalog and presets, and the drift checks of managed subscriptions. */
export function governanceRoutes(app: App, deps: ApiDeps): void {
  const { governance } = deps;

  app.get(
    "/api/v1/allowed-services/catalog",
    {
      schema: {
        operationId: "getAllowedServicesCatalog",
        tags: ["allowed services"],
        summary: "The Azure services a preset may allow, by category, with the resource types each covers",
        response: { 200: CatalogSchema, ...errorResponses },
      },
    },
    async (req, reply) =>
      respond(
        req,
        reply,
        ok({
          categories: [...serviceCategories],
          services: governance.catalog().map((s) => ({ ...s, required: s.required === true })),
        }),
      ),
  );

  app.get(
    "/api/v1/allowed-services/presets",
    {
      schema: {
        operationId: "listAllowedServicesPresets",
        tags: ["allowed services"],
        summary:
          "The allowed-services presets a new subscription may get, and which one is the partner's default",
        response: {
          200: z.object({ defaultPresetId: z.string(), items: z.array(PresetSchema) }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const [items, settings] = await Promise.all([governance.presets.list(), governance.settings.current()]);
      return respond(req, reply, ok({ defaultPresetId: settings.defaultPresetId, items }));
    },
  );

  app.post(
    "/api/v1/allowed-services/presets",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "createAllowedServicesPreset",
        tags: ["allowed services"],
        summary: "Create a preset of allowed services (operators)",
        body: strict({
          id: presetId("id"),
          label: text("label", 80),
          description: text("description", 500).optional(),
          serviceIds,
        }),
        response: { 201: PresetSchema, ...conflictErrors },
      },
    },
    async (req, reply) => respond(req, reply, await governance.presets.create(callerOf(req), req.body), 201),
  );

  app.patch(
    "/api/v1/allowed-services/presets/:presetId",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "updateAllowedServicesPreset",
        tags: ["allowed services"],
        summary:
          "Change a custom preset (operators); subscriptions that use it get the new list at the next drift check",
        params: presetParams,
        body: strict({
          label: text("label", 80).optional(),
          description: text("description", 500).optional(),
          serviceIds: serviceIds.optional(),
        }),
        response: { 200: PresetSchema, ...conflictErrors },
      },
    },
    async (req, reply) =>
      respond(req, reply, await governance.presets.update(callerOf(req), req.params.presetId, req.body)),
  );

  app.delete(
    "/api/v1/allowed-services/presets/:presetId",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "deleteAllowedServicesPreset",
        tags: ["allowed services"],
        summary:
          "Delete a custom preset (operators); built-in presets, the default and presets applied to subscriptions stay",
        params: presetParams,
        response: { 204: z.null(), ...conflictErrors },
      },
    },
    async (req, reply) =>
      respond(req, reply, await governance.presets.remove(callerOf(req), req.params.presetId), 204),
  );

  app.patch(
    "/api/v1/allowed-services/settings",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "updateAllowedServicesSettings",
        tags: ["allowed services"],
        summary: "Choose the partner's default preset, applied when a provider picks none (operators)",
        body: strict({ defaultPresetId: presetId("defaultPresetId") }),
        response: { 200: SettingsSchema, ...errorResponses },
      },
    },
    async (req, reply) => respond(req, reply, await governance.settings.update(callerOf(req), req.body)),
  );

  app.get(
    "/api/v1/drift-findings",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "listDriftFindings",
        tags: ["drift"],
        summary:
          "What drift checks found on managed subscriptions, newest first: lost access (open until restored) and repairs (operators)",
        querystring: pageQuery.extend({ status: findingStatus.optional() }),
        response: { 200: pageOfSchema(FindingSchema), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { status, ...page } = req.query;
      return respond(
        req,
        reply,
        await governance.listFindings(callerOf(req), status ? { status } : {}, toPage(page)),
      );
    },
  );

  app.post(
    "/api/v1/drift-checks",
    {
      config: { auth: "operator" },
      schema: {
        operationId: "runDriftCheck",
        tags: ["drift"],
        summary:
          "Check every managed subscription's role and policy assignments now, repairing what can be repaired (operators)",
        response: { 200: DriftCheckSummarySchema, ...errorResponses, 503: errorResponses[400] },
      },
    },
    async (req, reply) => respond(req, reply, await governance.runDriftCheck(callerOf(req))),
  );
}
