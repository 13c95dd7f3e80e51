import { z } from "zod";
import { DAY, MONTH } from "../../modules/billing/invoicing/index.ts";

/** A month field (`YYYY-MM`, UTC) whose messages name the field and show how to write it. */
export const month = (field: string, example = "2026-10") =>
  z
    .string({ error: `${field} is required: give a month written YYYY-MM, e.g. ${example}` })
    .regex(MONTH, `${field} must be a month written YYYY-MM, e.g. ${example}`);

/** A day field (`YYYY-MM-DD`, UTC) whose messages name the field and show how to write it. */
export const day = (field: string, example = "2026-11-03") =>
  z
    .string({ error: `${field} is required: give a day written YYYY-MM-DD, e.g. ${example}` })
    .regex(DAY, `${field} must be a day written YYYY-MM-DD, e.g. ${example}`);
