/**
 * Agreement templates (B6). The Microsoft Customer Agreement's template id and link are the documented ones; the
 * legacy Microsoft Cloud Agreement's id is the documented one, its link the emulator's choice.
 */
export const AGREEMENT_TEMPLATES = [
  {
    templateId: "117a77b0-9360-443b-8795-c6dedc750cf9",
    agreementType: "MicrosoftCustomerAgreement",
    agreementLink: "https://aka.ms/customeragreement",
    versionRank: 0,
  },
  {
    templateId: "998b88de-aa99-4388-a42c-1b3517d49490",
    agreementType: "MicrosoftCloudAgreement",
    agreementLink: "https://aka.ms/microsoftcloudagreement",
    versionRank: 0,
  },
] as const;

/** The agreement types an `agreementType` query selects: the legacy Cloud Agreement when omitted, all for `*`. */
export function selectedTypes(agreementType: string | undefined): string[] {
  if (agreementType === "*") return AGREEMENT_TEMPLATES.map((t) => t.agreementType);
  return [agreementType ?? "MicrosoftCloudAgreement"];
}

export const templateOf = (type: string) => AGREEMENT_TEMPLATES.find((t) => t.agreementType === type);
