/** The invitation token from a link like `/invite#token=…` (kept in the fragment so it never reaches logs). */
export function invitationTokenFrom(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const token = params.get("token");
  return token && token.length > 0 ? token : null;
}
