/**
 * The emulator's own client for its admin-center pages. Microsoft's admin center signs people in through Entra as
 * a first-party application; the emulator does the same with this id, which needs no registration or secret and
 * may only be redirected back to the admin center's sign-in path on the emulator's own host.
 */
export const ADMIN_CENTER_CLIENT = {
  clientId: "5f0e3c8a-2d7b-4e61-9a4c-8b1d6e2f7a90",
  displayName: "Microsoft 365 admin center (emulated)",
  redirectPath: "/admin/signin-oidc",
} as const;
