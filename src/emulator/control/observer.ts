import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/**
 * The moment of a request a hold stops it at: on arrival, before any handler (or fault) acts on it ("received");
 * or once the emulator has acted and its answer is ready, before a byte of it is sent ("applied").
 */
export type HoldPhase = "received" | "applied";

/** One request the emulator served, as a recorder saw it. Times are wall-clock milliseconds (Date.now()). */
export type ObservedRequest = {
  readonly method: string;
  /** "METHOD /route/template", the form fault rules use: "POST /v1/customers/:id/carts". */
  readonly route: string;
  /** The path and query as sent. */
  readonly url: string;
  /**
   * MS-RequestId (Partner Center), x-ms-client-request-id (Azure SDKs) or client-request-id (Microsoft Graph), when
   * the caller sent one.
   */
  readonly requestId: string | null;
  readonly receivedAt: number;
  /** Filled in when the answer is ready; null while in flight, or when the connection was cut without one. */
  answeredAt: number | null;
  status: number | null;
  /** The Retry-After the answer asked for, in seconds. */
  retryAfterSeconds: number | null;
};

/** What to hold: the next request on `route` (and whose URL matches `url`, if given), at `phase`. */
export type HoldMatch = { readonly route: string; readonly phase: HoldPhase; readonly url?: RegExp };

/** A request stopped by a hold. Exactly one of `release` or `cut` lets it go; the first call wins. */
export type HeldRequest = {
  readonly request: ObservedRequest;
  readonly phase: HoldPhase;
  /** Lets it continue: handled (held on receipt) or answered (held once applied). */
  release(): void;
  /** Cuts the connection. Held on receipt, the emulator never acts on the request. */
  cut(): void;
};

export type PendingHold = {
  /** Resolves once a matching request is held. */
  readonly held: Promise<HeldRequest>;
  /** Withdraws a hold that has not caught a request yet (its promise never resolves). */
  cancel(): void;
};

export type RequestRecorder = {
  /** Every request since the recorder started, in order of arrival. */
  readonly requests: readonly ObservedRequest[];
  stop(): void;
};

/**
 * An in-process view of the emulator's traffic for tests that run the product against it: recorders keep a
 * timestamped line per request (so a test can prove nobody came back before Retry-After), and holds stop one
 * matching request at a chosen phase so the test can act (kill the calling process) at exactly that moment.
 * Control routes (`/_emulator/…`) are neither recorded nor held. Nothing is kept while no recorder runs.
 */
export type EmulatorObserver = {
  hold(match: HoldMatch): PendingHold;
  record(): RequestRecorder;
  /** Cuts every held request and withdraws every pending hold (a test cleaning up after a failure). */
  cutAll(): void;
};

type Waiting = { match: HoldMatch; resolve: (h: HeldRequest) => void };

const firstHeader = (v: string | string[] | undefined): string | null =>
  (Array.isArray(v) ? v[0] : v) ?? null;

/**
 * Installs the observer's hooks. Register it before any other hook (faults included), so that it sees a request
 * before anything acts on it and sees an answer before anything else (a drop-after fault) handles it.
 */
export function installObserver(app: FastifyInstance): EmulatorObserver {
  const recorders = new Set<ObservedRequest[]>();
  let waiting: Waiting[] = [];
  const held = new Set<HeldRequest>();
  const seen = new WeakMap<FastifyRequest, ObservedRequest>();

  const isControl = (req: FastifyRequest) => (req.routeOptions.url ?? req.url).startsWith("/_emulator");

  function observed(req: FastifyRequest): ObservedRequest {
    const known = seen.get(req);
    if (known) return known;
    const entry: ObservedRequest = {
      method: req.method,
      route: `${req.method} ${req.routeOptions.url ?? req.url.split("?")[0] ?? ""}`,
      url: req.url,
      requestId:
        firstHeader(req.headers["ms-requestid"]) ??
        firstHeader(req.headers["x-ms-client-request-id"]) ??
        firstHeader(req.headers["client-request-id"]),
      receivedAt: Date.now(),
      answeredAt: null,
      status: null,
      retryAfterSeconds: null,
    };
    seen.set(req, entry);
    for (const list of recorders) list.push(entry);
    return entry;
  }

  /** Holds the request if a hold waits for it; resolves "release" or "cut" once the test decides. */
  function holdIfWanted(entry: ObservedRequest, phase: HoldPhase): Promise<"release" | "cut"> | null {
    const i = waiting.findIndex(
      (w) =>
        w.match.phase === phase &&
        w.match.route === entry.route &&
        (w.match.url === undefined || w.match.url.test(entry.url)),
    );
    const taken = waiting[i];
    if (!taken) return null;
    waiting = waiting.filter((_, j) => j !== i);
    return new Promise((decide) => {
      let decided = false;
      const handle: HeldRequest = {
        request: entry,
        phase,
        release() {
          if (decided) return;
          decided = true;
          held.delete(handle);
          decide("release");
        },
        cut() {
          if (decided) return;
          decided = true;
          held.delete(handle);
          decide("cut");
        },
      };
      held.add(handle);
      taken.resolve(handle);
    });
  }

  app.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
    if (isControl(req)) return;
    const entry = observed(req);
    const decision = holdIfWanted(entry, "received");
    if (decision && (await decision) === "cut") {
      reply.hijack();
      req.raw.socket.destroy();
    }
  });

  app.addHook("onSend", async (req, reply, payload) => {
    if (isControl(req)) return payload;
    const entry = observed(req);
    entry.answeredAt = Date.now();
    entry.status = reply.statusCode;
    const retryAfter = Number(reply.getHeader("retry-after"));
    entry.retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null;
    const decision = holdIfWanted(entry, "applied");
    if (decision && (await decision) === "cut") req.raw.socket.destroy();
    return payload;
  });

  const cutAll = () => {
    waiting = [];
    for (const h of [...held]) h.cut();
  };
  app.addHook("onClose", (_app, done) => {
    cutAll();
    done();
  });

  return {
    hold(match) {
      let entry: Waiting | undefined;
      const promise = new Promise<HeldRequest>((resolve) => {
        entry = { match, resolve };
        waiting.push(entry);
      });
      return {
        held: promise,
        cancel() {
          waiting = waiting.filter((w) => w !== entry);
        },
      };
    },
    record() {
      const list: ObservedRequest[] = [];
      recorders.add(list);
      return {
        requests: list,
        stop() {
          recorders.delete(list);
        },
      };
    },
    cutAll,
  };
}
