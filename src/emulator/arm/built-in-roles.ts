/** Built-in Azure roles (C3): the ids are the same in every tenant. */
export const builtInRoles: Record<string, { roleName: string; description: string }> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": {
    roleName: "Owner",
    description:
      "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
  },
  "b24988ac-6180-42a0-ab88-20f7382dd24c": {
    roleName: "Contributor",
    description:
      "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC.",
  },
  "acdd72a7-3385-48ef-bd42-f606fba81ae7": {
    roleName: "Reader",
    description: "View all resources, but does not allow you to make any changes.",
  },
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": {
    roleName: "User Access Administrator",
    description: "Lets you manage user access to Azure resources.",
  },
};
