// A process's life as the outside sees it: serving, or shutting down. Readiness reads it (a
// process that is stopping answers /readyz with 503 at once, so a load balancer stops sending it
// new requests while the ones in flight finish); shutdown code flips it, once.

export type Lifecycle = {
  /** True from the moment shutdown begins. */
  readonly stopping: boolean;
  /** Aborted when shutdown begins: long-lived work (event streams, sweeps) listens to it. */
  readonly signal: AbortSignal;
  beginShutdown(): void;
};

export function createLifecycle(): Lifecycle {
  const controller = new AbortController();
  return {
    get stopping() {
      return controller.signal.aborted;
    },
    signal: controller.signal,
    beginShutdown() {
      controller.abort();
    },
  };
}
