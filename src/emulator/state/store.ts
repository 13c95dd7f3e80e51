import fs from "node:fs";
import path from "node:path";
import type { z } from "zod";

/** A named list of records in the store; every change goes through it so the store knows to write. */
export type Collection<T> = {
  all(): readonly T[];
  find(match: (x: T) => boolean): T | undefined;
  filter(match: (x: T) => boolean): T[];
  add(x: T): T;
  /** Replaces the first record that matches, or adds `x`; says which happened. */
  upsert(match: (x: T) => boolean, x: T): "created" | "updated";
  /** Applies `change` to the first record that matches and returns the new record. */
  update(match: (x: T) => boolean, change: (x: T) => T): T | undefined;
  /** Removes every record that matches; returns how many went. */
  remove(match: (x: T) => boolean): number;
};

export type Store = {
  collection<T>(name: string, schema: z.ZodType<T>): Collection<T>;
  /** Writes pending changes and stops watching for process exit (the server does this on close). */
  close(): void;
};

/** How long changes may wait before they are written together. */
const WRITE_DELAY_MS = 20;

/**
 * The emulated world on disk: one JSON document of named collections under `<dir>/state.json`. Changes are
 * written together a few milliseconds later (so a burst of requests costs one write, not one each), to a temporary
 * file that is then renamed, so a crash never leaves half a file; `close()` and process exit write at once.
 */
export function openStore(dir: string): Store {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "state.json");
  const raw = (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {}) as Record<
    string,
    unknown
  >;
  const lists = new Map<string, unknown[]>();
  let timer: NodeJS.Timeout | null = null;

  const write = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const doc: Record<string, unknown> = { ...raw };
    for (const [name, list] of lists) doc[name] = list;
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(doc));
    fs.renameSync(`${file}.tmp`, file);
  };
  const changed = () => {
    timer ??= setTimeout(write, WRITE_DELAY_MS);
  };
  const onExit = () => {
    if (timer) write();
  };
  process.once("exit", onExit);

  return {
    collection<T>(name: string, schema: z.ZodType<T>): Collection<T> {
      if (lists.has(name)) throw new Error(`The collection ${name} is opened twice.`);
      const stored = raw[name];
      let list: T[] = Array.isArray(stored) ? stored.map((x) => schema.parse(x)) : [];
      lists.set(name, list);
      const replace = (next: T[]) => {
        list = next;
        lists.set(name, list);
        changed();
      };
      return {
        all: () => list,
        find: (match) => list.find(match),
        filter: (match) => list.filter(match),
        add(x) {
          list.push(x);
          changed();
          return x;
        },
        upsert(match, x) {
          const i = list.findIndex(match);
          if (i >= 0) list[i] = x;
          else list.push(x);
          changed();
          return i >= 0 ? "updated" : "created";
        },
        update(match, change) {
          const i = list.findIndex(match);
          const current = list[i];
          if (i < 0 || current === undefined) return undefined;
          const next = change(current);
          list[i] = next;
          changed();
          return next;
        },
        remove(match) {
          const before = list.length;
          replace(list.filter((x) => !match(x)));
          return before - list.length;
        },
      };
    },
    close() {
      if (timer) write();
      process.off("exit", onExit);
    },
  };
}
