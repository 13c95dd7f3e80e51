import { z } from "zod";
import { DOMAIN_PREFIX, DOMAIN_PREFIX_RULE } from "./domains.ts";

export const PostalAddressInput = z.object({
  addressLine1: z.string().trim().min(1, "addressLine1 is required").max(200),
  addressLine2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(1, "city is required").max(100),
  state: z.string().trim().max(50).optional(),
  postalCode: z.string().trim().min(1, "postalCode is required").max(20),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, "country must be a two-letter ISO 3166 code, e.g. US")
    .transform((c) => c.toUpperCase()),
});

export const ContactInput = z.object({
  firstName: z.string().trim().min(1, "firstName is required").max(50),
  lastName: z.string().trim().min(1, "lastName is required").max(50),
  email: z.email("email must be an e-mail address"),
  phoneNumber: z.string().trim().max(30).optional(),
});

/** The company profile of a new Azure customer: asked for only when the organization has none yet. */
export const CustomerProfileInput = z.object({
  companyName: z.string().trim().min(1, "companyName is required").max(100),
  domainPrefix: z
    .string()
    .trim()
    .toLowerCase()
    .regex(DOMAIN_PREFIX, `domainPrefix must be ${DOMAIN_PREFIX_RULE}`)
    .optional(),
  address: PostalAddressInput,
  contact: ContactInput,
});
export type CustomerProfile = z.infer<typeof CustomerProfileInput>;

/** A run's input, stored with the run: everything decided when the request was accepted. */
export const NewCustomerInput = z.object({
  providerId: z.string(),
  providerName: z.string(),
  orgId: z.string(),
  costCenterId: z.string(),
  workspaceId: z.string(),
  billingAccountId: z.string(),
  requestedBy: z.string(),
  allowedServices: z.string(),
  /** This run creates the organization's Azure customer; otherwise it adds a subscription under it. */
  createsCustomer: z.boolean(),
  customer: CustomerProfileInput.nullable(),
});
export type NewCustomerRunInput = z.infer<typeof NewCustomerInput>;
