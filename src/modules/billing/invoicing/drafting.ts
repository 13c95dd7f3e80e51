import { eq } from "drizzle-orm";
import { newId } from "../../../platform/ids.ts";
import { err, ok, type AppError, type Result } from "../../../platform/result.ts";
import type { AuditActor } from "../../audit/index.ts";
import { compare, formatDecimal } from "../engine/index.ts";
import { invoices } from "../tables.ts";
import { dayKey, minus, NO_AMOUNTS, plus, type Amounts } from "./amounts.ts";
import {
  assembleInvoice,
  type BilledDay,
  type CurrentDay,
  type EarlierMonth,
  type LinePolicy,
  type Part,
  type ServiceClass,
} from "./assembly.ts";
import { BillingRatingFailure } from "../rating/index.ts";
import type { BillingRoute, InvoicingDeps, RatedMonth } from "./deps.ts";
import { invoicingErrors } from "./errors.ts";
import { invoiceNumber } from "./lifecycle.ts";
import {
  amountsOf,
  billedRecords,
  finalizedMonthsBefore,
  invoiceFor,
  lastSequence,
  latestPerDay,
  lockAccount,
  nextNumberSequence,
  replaceDraftContent,
  type InvoiceRow,
  type UsageRow,
} from "./store.ts";

type ClassParts = Record<ServiceClass, Part>;
const NO_PART: Part = { amounts: NO_AMOUNTS, rowCount: 0 };
/** How often a draft is rebuilt when another document of the account was finalized while it was being rated. */
const ATTEMPTS = 5;

type Prepared = {
  readonly route: BillingRoute;
  readonly final: boolean;
  readonly policy: LinePolicy;
  readonly current: readonly CurrentDay[];
  readonly earlier: readonly EarlierMonth[];
  /** The account's latest finalized document when the billed figures were read. */
  readonly sequence: number;
};

/**
 * Drafts and finalizes invoices. Rating happens outside any transaction (it reads usage through the rating
 * module); the billed-so-far figures are read with it, and the transaction that writes the invoice, holding the
 * account's lock, checks that no document of the account was finalized meanwhile, else the invoice is built again.
 * So two workers closing the same month, or a credit note issued meanwhile, never bill a difference twice.
 */
export function createDrafting(deps: InvoicingDeps) {
  /** Per customer-day, the usage of the given snapshots split by service class (split lines only). */
  async function classParts(billingAccountId: string, month: string, snapshotIds: number[]) {
    const out = new Map<string, ClassParts>();
    if (snapshotIds.length === 0) return out;
    for await (const r of deps.rating.rateSnapshots({ billingAccountId, snapshotIds, month })) {
      const key = dayKey(r.row.customerId, r.row.usageDate);
      const parts = out.get(key) ?? { iaas: NO_PART, saas: NO_PART };
      const amounts: Amounts = {
        customerPrice: r.customerPrice,
        listPrice: r.listPrice,
        partnerCost: r.partnerCost,
      };
      parts[r.serviceClass] = {
        amounts: plus(parts[r.serviceClass].amounts, amounts),
        rowCount: parts[r.serviceClass].rowCount + 1,
      };
      out.set(key, parts);
    }
    return out;
  }

  async function currentDays(rated: RatedMonth, split: boolean): Promise<CurrentDay[]> {
    const byClass = split
      ? await classParts(
          rated.route.billingAccountId,
          rated.month,
          rated.days.map((d) => d.snapshotId),
        )
      : null;
    return rated.days.map((d) => ({
      customerId: d.customerId,
      usageDate: d.usageDate,
      snapshotId: d.snapshotId,
      total: {
        amounts: { customerPrice: d.customerPrice, listPrice: d.listPrice, partnerCost: d.partnerCost },
        rowCount: d.rowCount,
      },
      byClass: byClass
        ? (byClass.get(dayKey(d.customerId, d.usageDate)) ?? { iaas: NO_PART, saas: NO_PART })
        : null,
    }));
  }

  /**
   * What was billed per customer-day of a month. Split lines need it per class: the billed snapshot is rated
   * again by class; where that no longer adds up to the amount billed (a credit note took it back, or a rate
   * changed), IaaS keeps its re-rated share and SaaS takes the rest, so the classes always add up to what was billed.
   */
  async function billedDays(
    billingAccountId: string,
    month: string,
    records: readonly UsageRow[],
    split: boolean,
  ): Promise<BilledDay[]> {
    const rerated = split
      ? await classParts(billingAccountId, month, [...new Set(records.map((r) => r.snapshotId))])
      : null;
    return records.map((r) => {
      const total = amountsOf(r);
      let byClass: Record<ServiceClass, Amounts> | null = null;
      if (rerated) {
        const parts = rerated.get(dayKey(r.customerId, r.usageDate)) ?? { iaas: NO_PART, saas: NO_PART };
        const iaas = parts.iaas.amounts;
        const sameTotal =
          compare(plus(iaas, parts.saas.amounts).customerPrice, total.customerPrice) === 0 &&
          compare(plus(iaas, parts.saas.amounts).listPrice, total.listPrice) === 0;
        byClass = sameTotal
          ? { iaas, saas: parts.saas.amounts }
          : compare(total.customerPrice, NO_AMOUNTS.customerPrice) === 0 &&
              compare(total.listPrice, NO_AMOUNTS.listPrice) === 0
            ? { iaas: NO_AMOUNTS, saas: NO_AMOUNTS }
            : { iaas, saas: minus(total, iaas) };
      }
      return { customerId: r.customerId, usageDate: r.usageDate, snapshotId: r.snapshotId, total, byClass };
    });
  }

  /** Rating a month again can stop on what rateMonth reports as a value (a missing exchange rate): so it is here. */
  async function prepare(billingAccountId: string, period: string): Promise<Result<Prepared, AppError>> {
    try {
      return await rated(billingAccountId, period);
    } catch (e) {
      if (e instanceof BillingRatingFailure) return err(e.error);
      throw e;
    }
  }

  async function rated(billingAccountId: string, period: string): Promise<Result<Prepared, AppError>> {
    const policy = await deps.settings();
    const sequence = await lastSequence(deps.db, billingAccountId);
    const rated = await deps.rating.rateMonth({ billingAccountId, month: period });
    if (!rated.ok) return rated;
    const months = await finalizedMonthsBefore(deps.db, billingAccountId, period);
    const latest = [...latestPerDay(await billedRecords(deps.db, billingAccountId, months)).values()];
    const earlier: EarlierMonth[] = [];
    for (const month of months) {
      const now = await deps.rating.rateMonth({ billingAccountId, month });
      if (!now.ok) return now;
      earlier.push({
        month,
        current: await currentDays(now.value, policy.splitServices),
        billed: await billedDays(
          billingAccountId,
          month,
          latest.filter((r) => r.usageDate.startsWith(`${month}-`)),
          policy.splitServices,
        ),
      });
    }
    return ok({
      route: rated.value.route,
      final: rated.value.final,
      policy,
      current: await currentDays(rated.value, policy.splitServices),
      earlier,
      sequence,
    });
  }

  /**
   * Builds (or rebuilds) the account's invoice of the month from the usage as rated now and, when `finalize`,
   * numbers and finalizes it in the same transaction. A finalized month is refused (`invoice_finalized`).
   */
  async function save(
    actor: AuditActor,
    billingAccountId: string,
    period: string,
    finalize: boolean,
    opts: { readonly requireFinal?: boolean } = {},
  ): Promise<Result<InvoiceRow, AppError>> {
    for (let attempt = 1; ; attempt++) {
      const known = await invoiceFor(deps.db, billingAccountId, period);
      if (known?.state === "finalized") return err(invoicingErrors.finalized(known.id, known.number));
      const prepared = await prepare(billingAccountId, period);
      if (!prepared.ok) return prepared;
      const p = prepared.value;
      if (opts.requireFinal && !p.final) return err(invoicingErrors.usageNotFinal(billingAccountId, period));
      const outcome = await deps.db.transaction(
        async (tx): Promise<Result<InvoiceRow, AppError> | "stale"> => {
          await lockAccount(tx, billingAccountId);
          if ((await lastSequence(tx, billingAccountId)) !== p.sequence) return "stale";
          const existing = await invoiceFor(tx, billingAccountId, period);
          if (existing?.state === "finalized")
            return err(invoicingErrors.finalized(existing.id, existing.number));
          const assembled = assembleInvoice({
            month: period,
            currency: p.route.currency,
            policy: p.policy,
            current: p.current,
            earlier: p.earlier,
          });
          const now = deps.clock.now();
          const id = existing?.id ?? newId("invoice", now);
          const basis = p.final ? "final" : "estimate";
          const total = formatDecimal(assembled.total);
          if (existing)
            await tx
              .update(invoices)
              .set({ currency: p.route.currency, basis, total, updatedAt: now })
              .where(eq(invoices.id, id));
          else
            await tx.insert(invoices).values({
              id,
              number: null,
              orgId: p.route.orgId,
              billingAccountId,
              costCenterId: p.route.costCenterId,
              period,
              kind: "invoice",
              creditsInvoiceId: null,
              currency: p.route.currency,
              state: "draft",
              basis,
              total,
              reason: null,
              createdAt: now,
              updatedAt: now,
              postState: "not_posted",
            });
          await replaceDraftContent(tx, id, assembled.lines, assembled.usage);
          const entry = {
            orgId: p.route.orgId,
            costCenterId: p.route.costCenterId,
            targetType: "invoice",
            targetId: id,
          };
          const details = { billingAccountId, period, currency: p.route.currency, total, basis };
          if (finalize) {
            const number = invoiceNumber(period, await nextNumberSequence(tx));
            await tx
              .update(invoices)
              .set({ state: "finalized", number, finalizedAt: now, finalizedBy: actor.userId ?? "system" })
              .where(eq(invoices.id, id));
            await deps.audit.record(tx, actor, {
              ...entry,
              action: "invoice.finalized",
              details: { ...details, number },
            });
          } else await deps.audit.record(tx, actor, { ...entry, action: "invoice.drafted", details });
          const [row] = await tx.select().from(invoices).where(eq(invoices.id, id));
          if (!row) throw new Error(`invoice ${id} vanished inside its own transaction`);
          return ok(row);
        },
      );
      if (outcome !== "stale") return outcome;
      if (attempt >= ATTEMPTS) return err(invoicingErrors.busy(billingAccountId));
    }
  }

  return { save };
}
