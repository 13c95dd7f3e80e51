import { useCallback, useEffect, useRef, useState } from "react";
import type { Page } from "../../api/types.ts";

export type PagedList<T> = {
  items: T[];
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  loadMore: () => Promise<void>;
  reload: () => Promise<void>;
};

/** A list read page by page ("Load more"); starts over when `key` changes. */
export function usePagedList<T>(
  load: (cursor: string | undefined) => Promise<Page<T>>,
  key: string,
): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const fetchPage = useCallback(async (from: string | undefined, append: boolean) => {
    const mine = generation.current;
    setLoading(true);
    setError(null);
    try {
      const page = await loadRef.current(from);
      if (mine !== generation.current) return;
      setItems((old) => (append ? [...old, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (e) {
      if (mine === generation.current) setError(e);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  const reload = useCallback(async () => {
    generation.current++;
    setItems([]);
    setCursor(null);
    await fetchPage(undefined, false);
  }, [fetchPage]);

  useEffect(() => {
    void reload();
  }, [key, reload]);

  return {
    items,
    hasMore: cursor !== null,
    loading,
    error,
    loadMore: () => (cursor ? fetchPage(cursor, true) : Promise.resolve()),
    reload,
  };
}
