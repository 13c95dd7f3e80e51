/** Names of the Microsoft Entra built-in roles a partner may ask for, by role template id (the same in every tenant). */
const ROLE_NAMES: Readonly<Record<string, string>> = {
  "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
  "f2ef992c-3afb-46b9-b7cf-a126ee74c451": "Global Reader",
  "88d8e3e3-8f55-4a1e-953a-9b9898b8876b": "Directory Readers",
  "9360feb5-f418-4baa-8175-e2a00bac4301": "Directory Writers",
  "729827e3-9c14-49f7-bb1b-9608f156bbb8": "Helpdesk Administrator",
  "b0f54661-2d74-4c50-afa3-1ec803f12efe": "Billing Administrator",
  "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
  "3a2c62db-5318-420d-8d74-23affee5d9d5": "Intune Administrator",
  "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
  "8329153b-31d0-4727-b945-745eb3bc5f31": "Domain Name Administrator",
  "4d6ac14f-3453-41d0-bef9-a3e0c569773a": "License Administrator",
};

export const roleNameOf = (roleId: string): string => ROLE_NAMES[roleId.toLowerCase()] ?? roleId;
