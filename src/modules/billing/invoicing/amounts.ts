import { add, negate, subtract, ZERO, type Decimal } from "../engine/index.ts";

/** The three figures kept for any piece of usage, in the invoice currency, exact. */
export type Amounts = {
  readonly customerPrice: Decimal;
  readonly listPrice: Decimal;
  readonly partnerCost: Decimal;
};

export const NO_AMOUNTS: Amounts = { customerPrice: ZERO, listPrice: ZERO, partnerCost: ZERO };

export const plus = (a: Amounts, b: Amounts): Amounts => ({
  customerPrice: add(a.customerPrice, b.customerPrice),
  listPrice: add(a.listPrice, b.listPrice),
  partnerCost: add(a.partnerCost, b.partnerCost),
});

export const minus = (a: Amounts, b: Amounts): Amounts => ({
  customerPrice: subtract(a.customerPrice, b.customerPrice),
  listPrice: subtract(a.listPrice, b.listPrice),
  partnerCost: subtract(a.partnerCost, b.partnerCost),
});

export const negated = (a: Amounts): Amounts => ({
  customerPrice: negate(a.customerPrice),
  listPrice: negate(a.listPrice),
  partnerCost: negate(a.partnerCost),
});

/** A customer's usage day, as a map key. */
export const dayKey = (customerId: string, usageDate: string): string => `${customerId}|${usageDate}`;
