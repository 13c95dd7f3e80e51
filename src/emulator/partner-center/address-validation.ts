export type Address = {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
};

export type AddressValidation = {
  originalAddress: Address;
  suggestedAddresses: Address[];
  status: "VerifiedShippable" | "Verified" | "None";
  validationMessage?: string;
};

const POSTAL: Record<string, RegExp> = {
  US: /^\d{5}(-\d{4})?$/,
  CA: /^[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d$/,
  GB: /^[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}$/,
};

/**
 * The emulator's model of Microsoft's address check (B5.2): required fields present, a two-letter country, and for
 * the US, Canada and the United Kingdom a postal code of the country's form (and a state for the US). A US
 * address with a 5-digit ZIP gets the ZIP+4 suggestion "-0001". `00000` never exists.
 */
export function validateAddress(a: Address): AddressValidation {
  const missing = (["addressLine1", "city", "postalCode", "country"] as const).filter((k) => !a[k]?.trim());
  const country = (a.country ?? "").toUpperCase();
  const problems: string[] = [...missing];
  if (country && !/^[A-Z]{2}$/.test(country)) problems.push("country");
  const pattern = POSTAL[country];
  if (a.postalCode && (a.postalCode.startsWith("00000") || (pattern && !pattern.test(a.postalCode.trim()))))
    problems.push("postalCode");
  if (country === "US" && !/^[A-Za-z]{2}$/.test(a.state ?? "")) problems.push("state");
  if (problems.length > 0)
    return {
      originalAddress: a,
      suggestedAddresses: [],
      status: "None",
      validationMessage: `Invalid properties: ${[...new Set(problems)].join(", ")}.`,
    };
  if (country === "US" && /^\d{5}$/.test(a.postalCode?.trim() ?? ""))
    return {
      originalAddress: a,
      suggestedAddresses: [{ ...a, country, postalCode: `${a.postalCode?.trim() ?? ""}-0001` }],
      status: "VerifiedShippable",
    };
  return { originalAddress: a, suggestedAddresses: [], status: pattern ? "VerifiedShippable" : "Verified" };
}
