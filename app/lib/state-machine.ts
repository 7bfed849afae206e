// One shape for every state machine that is a plain table of allowed moves (payouts, grants,
// contributions, promotions, account status): the table is declared once, next to its states,
// and every writer asks it — for the check with its message, and for the states a conditional
// UPDATE may start from. A move that is not in the table is refused, never a silent no-op.
// (Review submissions and generation jobs have events with more to them; they have their own.)

export type Move = { ok: true } | { ok: false; reason: string };

export type StateMachine<S extends string> = {
  /** Whether `from` may become `to`, and if not, why (a sentence a person can read). */
  check(from: S, to: S): Move;
  /** The states `to` may be reached from: the WHERE of a conditional update. */
  from(to: S): S[];
};

export function stateMachine<S extends string>(definition: {
  allowed: Record<S, readonly S[]>;
  /** Why a move from `from` to `to` is refused. */
  refusal: (from: S, to: S) => string;
}): StateMachine<S> {
  const { allowed, refusal } = definition;
  const states = Object.keys(allowed) as S[];
  return {
    check(from, to) {
      return allowed[from].includes(to) ? { ok: true } : { ok: false, reason: refusal(from, to) };
    },
    from(to) {
      return states.filter((state) => allowed[state].includes(to));
    },
  };
}
