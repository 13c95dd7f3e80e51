import { useCallback, useEffect, useRef, useState } from "react";

export type Loaded<T> = {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
};

/**
 * Loads data for a screen and reloads it when `key` changes. Answers that arrive after a newer request
 * started are dropped, so switching scope quickly never shows the previous scope's data.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const request = ++latest.current;
    setLoading(true);
    try {
      const value = await loadRef.current();
      if (request !== latest.current) return;
      setData(value);
      setError(null);
    } catch (e) {
      if (request !== latest.current) return;
      setError(e);
    } finally {
      if (request === latest.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    setData(null);
    void reload();
  }, [key, reload]);

  return { data, error, loading, reload };
}
