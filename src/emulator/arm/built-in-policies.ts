/** The built-in policy definitions the emulator enforces (C4). Ids are the same in every tenant. */
export type BuiltInPolicy = {
  displayName: string;
  description: string;
  /** Whether the policy denies a resource of this type in this location, given the assignment's parameters. */
  denies(type: string, location: string, parameters: Record<string, { value: unknown }>): boolean;
};

const listOf = (parameters: Record<string, { value: unknown }>, name: string): string[] => {
  const v = parameters[name]?.value;
  return Array.isArray(v) ? v.map((x) => String(x).toLowerCase()) : [];
};

export const builtInPolicies: Record<string, BuiltInPolicy> = {
  "a08ec900-254a-4555-9bf5-e42af04b5c5c": {
    displayName: "Allowed resource types",
    description: "This policy enables you to specify the resource types that your organization can deploy.",
    denies: (type, _location, p) => !listOf(p, "listOfResourceTypesAllowed").includes(type.toLowerCase()),
  },
  "6c112d4e-5bc7-47ae-a041-ea2d9dccd749": {
    displayName: "Not allowed resource types",
    description: "Restrict which resource types can be deployed in your environment.",
    denies: (type, _location, p) => listOf(p, "listOfResourceTypesNotAllowed").includes(type.toLowerCase()),
  },
  "e56962a6-4747-49cd-b67b-bf8b01975c4c": {
    displayName: "Allowed locations",
    description:
      "This policy enables you to restrict the locations your organization can specify when deploying resources.",
    denies: (_type, location, p) =>
      location.toLowerCase() !== "global" &&
      !listOf(p, "listOfAllowedLocations").includes(location.toLowerCase()),
  },
};

export const policyDefinitionView = (guid: string) => {
  const p = builtInPolicies[guid];
  return {
    id: `/providers/Microsoft.Authorization/policyDefinitions/${guid}`,
    type: "Microsoft.Authorization/policyDefinitions",
    name: guid,
    properties: {
      displayName: p?.displayName,
      description: p?.description,
      policyType: "BuiltIn",
      mode: "Indexed",
    },
  };
};
