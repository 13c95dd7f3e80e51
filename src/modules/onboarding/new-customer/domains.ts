/** An initial domain's prefix: letters and digits, 3 to 27 of them (`<prefix>.onmicrosoft.com`). */
export const DOMAIN_PREFIX = /^[a-z0-9]{3,27}$/;
export const DOMAIN_PREFIX_RULE = "3 to 27 lower-case letters and digits, e.g. contoso2024";

export const initialDomain = (prefix: string) => `${prefix}.onmicrosoft.com`;

/** A prefix made from a company name: its letters and digits, lower case, at most 24 so a counter fits after it. */
export function prefixFromName(companyName: string): string {
  const base = companyName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    .slice(0, 24);
  return base.length >= 3 ? base : `${base}azure`.slice(0, 24);
}

/**
 * The prefixes tried, in order: the one asked for alone (a user who chose a domain gets it or an error), or the
 * company's followed by 2, 3, … — deterministic, so a step replayed after a crash tries the same list.
 */
export function domainCandidates(p: { requested: string | null; companyName: string }, count = 20): string[] {
  if (p.requested) return [p.requested];
  const base = prefixFromName(p.companyName);
  return [base, ...Array.from({ length: count - 1 }, (_, i) => `${base}${i + 2}`)];
}
