import { asc, eq, sql } from "drizzle-orm";
import type { PolicyAssignmentInput } from "../../integrations/arm/index.ts";
import type { Executor } from "../../platform/db/types.ts";
import { err, ok, type Result } from "../../platform/result.ts";
import type { Caller } from "../tenancy/index.ts";
import { assignmentInput, type ResolvedPreset } from "./allowed-services-policy.ts";
import { iaasServiceIds, resourceTypesOf, serviceCatalog, unknownServiceIds } from "./catalog.ts";
import type { GovernanceDeps } from "./deps.ts";
import { governanceErrors, type GovernanceError } from "./errors.ts";
import { allowedServicePresets, governanceSettings } from "./tables.ts";

/** The preset in force when the partner has not chosen one: every service of the catalog. */
export const DEFAULT_PRESET_ID = "all-services";

/** The built-in presets' services come from the catalog, so a service added to it reaches them at once. */
const builtInServices: Record<string, () => readonly string[]> = {
  "all-services": () => serviceCatalog.map((s) => s.id),
  iaas: () => iaasServiceIds,
};

/** Preset changes and the choice of default wait for each other, so the default never names a deleted preset. */
const PRESETS_LOCK = 727_011;

export type Preset = {
  id: string;
  label: string;
  description: string;
  builtIn: boolean;
  /** The services it allows; the required ones (Resource Manager deployments) are allowed by every preset. */
  serviceIds: string[];
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
};

export type GovernanceSettings = { defaultPresetId: string; updatedAt: Date | null };

export type NewPreset = { id: string; label: string; description?: string; serviceIds: string[] };
export type PresetChange = { label?: string; description?: string; serviceIds?: string[] };

type Row = typeof allowedServicePresets.$inferSelect;

const servicesOf = (row: Row): string[] => [
  ...(row.builtIn ? (builtInServices[row.id]?.() ?? row.serviceIds ?? []) : (row.serviceIds ?? [])),
];

export function createPresets(deps: Pick<GovernanceDeps, "db" | "audit" | "clock" | "managedSubscriptions">) {
  const { db } = deps;

  async function currentSettings(tx: Executor = db): Promise<GovernanceSettings> {
    const [row] = await tx.select().from(governanceSettings).where(eq(governanceSettings.singleton, true));
    return row
      ? { defaultPresetId: row.defaultPresetId, updatedAt: row.updatedAt }
      : { defaultPresetId: DEFAULT_PRESET_ID, updatedAt: null };
  }

  const view = (row: Row, defaultPresetId: string): Preset => ({
    id: row.id,
    label: row.label,
    description: row.description,
    builtIn: row.builtIn,
    serviceIds: servicesOf(row),
    isDefault: row.id === defaultPresetId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  });

  async function rowOf(tx: Executor, presetId: string): Promise<Row | undefined> {
    const [row] = await tx.select().from(allowedServicePresets).where(eq(allowedServicePresets.id, presetId));
    return row;
  }

  const unknownServices = (ids: readonly string[] | undefined): GovernanceError | null => {
    const unknown = unknownServiceIds(ids ?? []);
    return unknown.length ? governanceErrors.unknownServices(unknown) : null;
  };

  async function resolvePreset(
    presetId: string | undefined,
    field = "allowedServices",
  ): Promise<Result<ResolvedPreset, GovernanceError>> {
    const id = presetId ?? (await currentSettings()).defaultPresetId;
    const row = await rowOf(db, id);
    if (!row) return err(governanceErrors.unknownPreset(id, field));
    return ok({ presetId: row.id, label: row.label, resourceTypes: resourceTypesOf(servicesOf(row)) });
  }

  return {
    /** Every preset, built-in first, then the partner's by id; `isDefault` marks the one used when none is picked. */
    list: async (): Promise<Preset[]> => {
      const [rows, settings] = await Promise.all([
        db
          .select()
          .from(allowedServicePresets)
          .orderBy(sql`${allowedServicePresets.builtIn} DESC`, asc(allowedServicePresets.id)),
        currentSettings(),
      ]);
      return rows.map((r) => view(r, settings.defaultPresetId));
    },

    /**
     * The resource types a preset allows (`presetId` undefined: the partner's default), or `unknown_preset` naming
     * the request field `field` that chose it.
     */
    resolvePreset,

    /** The policy assignment that applies a preset to a subscription under the given assignment name. */
    policyAssignmentFor: async (input: {
      subscriptionId: string;
      name: string;
      presetId?: string;
    }): Promise<Result<PolicyAssignmentInput, GovernanceError>> => {
      const resolved = await resolvePreset(input.presetId);
      return resolved.ok ? ok(assignmentInput(resolved.value, input)) : resolved;
    },

    create: async (caller: Caller, input: NewPreset): Promise<Result<Preset, GovernanceError>> => {
      if (!caller.principal.isOperator) return err(governanceErrors.forbidden());
      const invalid = unknownServices(input.serviceIds);
      if (invalid) return err(invalid);
      const at = deps.clock.now();
      const serviceIds = [...new Set(input.serviceIds)];
      const created = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(allowedServicePresets)
          .values({
            id: input.id,
            label: input.label,
            description: input.description ?? "",
            serviceIds,
            builtIn: false,
            createdAt: at,
            createdBy: caller.actor.userId,
            updatedAt: at,
            updatedBy: caller.actor.userId,
          })
          .onConflictDoNothing()
          .returning();
        if (!row) return null;
        await deps.audit.record(tx, caller.actor, {
          orgId: null,
          action: "allowed_services.preset_created",
          targetType: "allowed_services_preset",
          targetId: row.id,
          details: { label: row.label, serviceIds },
        });
        return row;
      });
      if (!created) return err(governanceErrors.presetExists(input.id));
      return ok(view(created, (await currentSettings()).defaultPresetId));
    },

    update: async (
      caller: Caller,
      presetId: string,
      change: PresetChange,
    ): Promise<Result<Preset, GovernanceError>> => {
      if (!caller.principal.isOperator) return err(governanceErrors.forbidden());
      const invalid = unknownServices(change.serviceIds);
      if (invalid) return err(invalid);
      const outcome = await db.transaction(async (tx): Promise<Result<Row, GovernanceError>> => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${PRESETS_LOCK})`);
        const before = await rowOf(tx, presetId);
        if (!before) return err(governanceErrors.presetNotFound(presetId));
        if (before.builtIn) return err(governanceErrors.builtInPreset(presetId, "changed"));
        const next = {
          label: change.label ?? before.label,
          description: change.description ?? before.description,
          serviceIds: change.serviceIds ? [...new Set(change.serviceIds)] : (before.serviceIds ?? []),
        };
        const [row] = await tx
          .update(allowedServicePresets)
          .set({ ...next, updatedAt: deps.clock.now(), updatedBy: caller.actor.userId })
          .where(eq(allowedServicePresets.id, presetId))
          .returning();
        if (!row) return err(governanceErrors.presetNotFound(presetId));
        await deps.audit.record(tx, caller.actor, {
          orgId: null,
          action: "allowed_services.preset_updated",
          targetType: "allowed_services_preset",
          targetId: presetId,
          details: {
            from: { label: before.label, description: before.description, serviceIds: before.serviceIds },
            to: next,
          },
        });
        return ok(row);
      });
      return outcome.ok ? ok(view(outcome.value, (await currentSettings()).defaultPresetId)) : outcome;
    },

    /** Deletes a custom preset that is neither the default nor applied to a managed subscription. */
    remove: async (caller: Caller, presetId: string): Promise<Result<void, GovernanceError>> => {
      if (!caller.principal.isOperator) return err(governanceErrors.forbidden());
      const applied = (await deps.managedSubscriptions()).filter(
        (m) => m.policy.presetId === presetId,
      ).length;
      return db.transaction(async (tx): Promise<Result<void, GovernanceError>> => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${PRESETS_LOCK})`);
        const row = await rowOf(tx, presetId);
        if (!row) return err(governanceErrors.presetNotFound(presetId));
        if (row.builtIn) return err(governanceErrors.builtInPreset(presetId, "deleted"));
        if ((await currentSettings(tx)).defaultPresetId === presetId)
          return err(governanceErrors.presetIsDefault(presetId));
        if (applied > 0) return err(governanceErrors.presetApplied(presetId, applied));
        await tx.delete(allowedServicePresets).where(eq(allowedServicePresets.id, presetId));
        await deps.audit.record(tx, caller.actor, {
          orgId: null,
          action: "allowed_services.preset_deleted",
          targetType: "allowed_services_preset",
          targetId: presetId,
          details: { label: row.label, serviceIds: servicesOf(row) },
        });
        return ok(undefined);
      });
    },

    settings: {
      /** The settings in force (any signed-in user may read which preset is the default). */
      current: () => currentSettings(),

      update: async (
        caller: Caller,
        input: { defaultPresetId: string },
      ): Promise<Result<GovernanceSettings, GovernanceError>> => {
        if (!caller.principal.isOperator) return err(governanceErrors.forbidden());
        return db.transaction(async (tx): Promise<Result<GovernanceSettings, GovernanceError>> => {
          await tx.execute(sql`SELECT pg_advisory_xact_lock(${PRESETS_LOCK})`);
          if (!(await rowOf(tx, input.defaultPresetId)))
            return err(governanceErrors.unknownPreset(input.defaultPresetId, "defaultPresetId"));
          const before = await currentSettings(tx);
          const at = deps.clock.now();
          const row = {
            defaultPresetId: input.defaultPresetId,
            updatedAt: at,
            updatedBy: caller.actor.userId,
          };
          await tx
            .insert(governanceSettings)
            .values({ singleton: true, ...row })
            .onConflictDoUpdate({ target: governanceSettings.singleton, set: row });
          await deps.audit.record(tx, caller.actor, {
            orgId: null,
            action: "allowed_services.settings_updated",
            targetType: "partner_settings",
            targetId: null,
            details: {
              from: { defaultPresetId: before.defaultPresetId },
              to: { defaultPresetId: input.defaultPresetId },
            },
          });
          return ok({ defaultPresetId: input.defaultPresetId, updatedAt: at });
        });
      },
    },
  };
}

export type Presets = ReturnType<typeof createPresets>;
