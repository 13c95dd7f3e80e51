import { err, ok, type Result } from "../../../platform/result.ts";
import type { Principal } from "../../tenancy/index.ts";
import { invoicingErrors, type InvoicingError } from "./errors.ts";

type Owned = { readonly orgId: string; readonly costCenterId: string | null };

/**
 * Who may read invoices: operators all; organization administrators their organization's; cost-center
 * administrators those of their cost centers' billing accounts. An invoice of another organization does not exist
 * for the caller; one of their organization they may not read is forbidden.
 */
export function mayRead(p: Principal, invoice: Owned): boolean {
  if (p.isOperator) return true;
  if (p.orgId !== invoice.orgId) return false;
  if (p.orgRole === "admin") return true;
  return invoice.costCenterId !== null && p.costCenterAdminOf.has(invoice.costCenterId);
}

export function requireRead(
  p: Principal,
  invoice: Owned & { readonly id: string },
): Result<null, InvoicingError> {
  if (!p.isOperator && p.orgId !== invoice.orgId) return err(invoicingErrors.notFound("invoice", invoice.id));
  if (!mayRead(p, invoice)) return err(invoicingErrors.forbidden(roleNeeded.read));
  return ok(null);
}

/** Listing an organization's invoices: who may list at all (cost-center administrators see their own only). */
export function requireList(p: Principal, orgId: string): Result<null, InvoicingError> {
  if (!p.isOperator && p.orgId !== orgId) return err(invoicingErrors.notFound("organization", orgId));
  if (p.isOperator || p.orgRole === "admin" || p.costCenterAdminOf.size > 0) return ok(null);
  return err(invoicingErrors.forbidden(roleNeeded.read));
}

/** Drafting: operators and the account's organization administrators. */
export function requireDraft(
  p: Principal,
  account: Owned & { readonly id: string },
): Result<null, InvoicingError> {
  if (!p.isOperator && p.orgId !== account.orgId)
    return err(invoicingErrors.notFound("billing account", account.id));
  if (p.isOperator || p.orgRole === "admin") return ok(null);
  return err(invoicingErrors.forbidden(roleNeeded.draft));
}

export function requireOperator(
  p: Principal,
  invoice: Owned & { readonly id: string },
): Result<null, InvoicingError> {
  if (p.isOperator) return ok(null);
  if (p.orgId !== invoice.orgId) return err(invoicingErrors.notFound("invoice", invoice.id));
  return err(invoicingErrors.forbidden(roleNeeded.operators));
}

export const roleNeeded = {
  read: "Invoices are read by organization administrators, and by cost-center administrators for their cost centers' billing accounts.",
  draft: "Drafting an invoice needs the organization administrator role.",
  operators: "Only the partner's operators finalize, credit and post invoices.",
};
