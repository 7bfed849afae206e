import { extent } from "d3-array";
import { scaleLinear, type ScaleLinear } from "d3-scale";

// The value axis of every dashboard chart, by d3-scale rather than hand-rolled tick maths
// (ADR 0023): the domain is widened to round numbers and the ticks are exactly the round numbers
// inside it, so a gridline labelled "1" is drawn where the value 1 plots.

export type ValueAxis = {
  /** Maps a value to a y coordinate (top of the plot is `top`, the bottom `bottom`). */
  y: ScaleLinear<number, number>;
  /** The labelled values, each drawn as a gridline at `y(tick)`. */
  ticks: number[];
  domain: [number, number];
};

/**
 * A value axis for `values` (nulls ignored) plotted between `bottom` and `top` pixels. The domain
 * always holds zero (bars start there) and `alsoShow` (a target line). `integer` keeps only whole
 * ticks, for counts: "0, 1, 2, 3", never "0.5 artists".
 */
export function valueAxis(
  values: readonly (number | null | undefined)[],
  {
    bottom,
    top,
    count = 5,
    integer = false,
    alsoShow = [],
  }: { bottom: number; top: number; count?: number; integer?: boolean; alsoShow?: number[] },
): ValueAxis {
  const present = [...values, ...alsoShow, 0].filter(
    (v): v is number => typeof v === "number" && Number.isFinite(v),
  );
  let [low, high] = extent(present) as [number, number];
  if (low === high) high = low + 1;
  if (integer && high - low < count) {
    // Small counts: one tick per whole number, no fractions to round away.
    low = Math.floor(low);
    high = Math.ceil(high);
  }
  const y = scaleLinear().domain([low, high]).range([bottom, top]).nice(count);
  let ticks = y.ticks(count);
  if (integer) ticks = ticks.filter((t) => Number.isInteger(t));
  const [d0, d1] = y.domain() as [number, number];
  return { y, ticks, domain: [d0, d1] };
}

/** Which of `n` category labels to print so that labels `labelWidth` wide never overlap. */
export function labelStride(n: number, plotWidth: number, labelWidth: number) {
  if (n <= 0) return 1;
  const fits = Math.max(1, Math.floor(plotWidth / (labelWidth + 8)));
  return Math.max(1, Math.ceil(n / fits));
}

/** The width a label of 12 px text takes, near enough for layout: no fonts on the server. */
export function textWidth(text: string, fontSize = 12) {
  return Math.ceil(text.length * fontSize * 0.6);
}
