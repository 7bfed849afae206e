// J/K/L shuttle and the speed menu as one piece of state, pure so it can be tested without a
// browser. Browsers cannot play backwards, so "reverse" is emulated by the player stepping back on
// a timer (see useReversePlayback); the speed applies to both directions.

export const SPEEDS = [0.25, 0.5, 1, 1.5, 2] as const;
export type Speed = (typeof SPEEDS)[number];
export type Direction = "paused" | "forward" | "reverse";
export type Transport = { direction: Direction; speed: Speed };

const FASTEST: Speed = 2;

export function isSpeed(value: number): value is Speed {
  return (SPEEDS as readonly number[]).includes(value);
}

/** The next speed up when the same shuttle key is pressed again: doubling, capped at 2×. */
function faster(speed: Speed): Speed {
  const doubled = Math.min(FASTEST, speed * 2);
  return isSpeed(doubled) ? doubled : FASTEST;
}

/**
 * K pauses. J / L start reverse / forward play; pressed again in the same direction they double
 * the speed (1× → 2×). Starting or changing direction keeps a slow-motion speed the person chose
 * but drops a fast one back to 1×, so a shuttle never starts at a surprising speed.
 */
export function shuttle(state: Transport, key: "j" | "k" | "l"): Transport {
  if (key === "k") return { ...state, direction: "paused" };
  const direction: Direction = key === "j" ? "reverse" : "forward";
  if (state.direction === direction) return { direction, speed: faster(state.speed) };
  return { direction, speed: state.speed > 1 ? 1 : state.speed };
}

export function speedLabel(speed: number) {
  return `${speed}×`;
}
