const keyOf = (userId: string) => `partner-cloud.scope.${userId}`;

/** The scope a user last chose, kept per user in this browser. */
export function rememberedScopeId(userId: string): string | null {
  try {
    return window.localStorage.getItem(keyOf(userId));
  } catch {
    return null;
  }
}

export function rememberScopeId(userId: string, scopeId: string): void {
  try {
    window.localStorage.setItem(keyOf(userId), scopeId);
  } catch {
    // Storage can be disabled (private windows); the scope then lasts until reload, which is acceptable.
  }
}
