// Reading a Server-Sent Events response (the studio's live updates) in tests: events as they
// come, and a wait for the first one (past or future) that matches.

export type StreamEvent = { event: string; id?: string; data: unknown };

/** Reads a stream's events as they come; `next` waits for the first one matching. */
export function reader(response: Response) {
  const body = response.body!.getReader();
  const decoder = new TextDecoder();
  const seen: StreamEvent[] = [];
  let buffer = "";
  let ended = false;
  const waiters: (() => void)[] = [];
  void (async () => {
    for (;;) {
      const { value, done } = await body.read().catch(() => ({ value: undefined, done: true }));
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const fields = Object.fromEntries(
          block
            .split("\n")
            .filter((l) => !l.startsWith(":") && l.includes(": "))
            .map((l) => [l.slice(0, l.indexOf(": ")), l.slice(l.indexOf(": ") + 2)]),
        );
        if (fields.event)
          seen.push({
            event: fields.event,
            id: fields.id,
            data: JSON.parse(fields.data ?? "null"),
          });
        waiters.splice(0).forEach((w) => w());
      }
    }
    ended = true;
    waiters.splice(0).forEach((w) => w());
  })();
  const changed = () => new Promise<void>((resolve) => waiters.push(resolve));
  return {
    seen,
    async next(match: (e: StreamEvent) => boolean, from = 0): Promise<StreamEvent> {
      for (;;) {
        const found = seen.slice(from).find(match);
        if (found) return found;
        if (ended) throw new Error(`The stream ended first; saw ${JSON.stringify(seen)}`);
        await changed();
      }
    },
    async ended() {
      while (!ended) await changed();
    },
    cancel: () => body.cancel(),
  };
}
