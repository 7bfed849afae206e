import { describe, expect, it } from "vitest";
import { labelStride, valueAxis } from "~/lib/chart-scale";

// The dashboard's value axes: every tick is a round number drawn exactly at its own gridline, the
// domain holds every value (and zero, and a target), and counts get whole ticks only.

const PLOT = { bottom: 200, top: 0 };

function expectHonest(values: number[], axis: ReturnType<typeof valueAxis>) {
  const [low, high] = axis.domain;
  for (const v of values) {
    expect(v).toBeGreaterThanOrEqual(low);
    expect(v).toBeLessThanOrEqual(high);
  }
  // Ticks are evenly spaced in value and in pixels: a value equal to a tick plots on its line.
  const steps = axis.ticks.slice(1).map((t, i) => t - axis.ticks[i]!);
  const pixelSteps = axis.ticks.slice(1).map((t, i) => axis.y(t) - axis.y(axis.ticks[i]!));
  for (const s of steps) expect(s).toBeCloseTo(steps[0]!, 9);
  for (const p of pixelSteps) expect(p).toBeCloseTo(pixelSteps[0]!, 6);
  // The domain ends on ticks, so the top gridline is the top of the plot.
  expect(axis.ticks[0]).toBeCloseTo(low, 9);
  expect(axis.ticks.at(-1)).toBeCloseTo(high, 9);
  expect(axis.y(high)).toBeCloseTo(PLOT.top, 6);
  expect(axis.y(low)).toBeCloseTo(PLOT.bottom, 6);
}

describe("valueAxis", () => {
  it("0–1: fractional ticks, each at its position", () => {
    const axis = valueAxis([0, 0.35, 1], PLOT);
    expect(axis.ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(axis.y(0.4)).toBeCloseTo(120, 6);
    expectHonest([0, 0.35, 1], axis);
  });

  it("0–3 counts: whole ticks 0, 1, 2, 3, and the value 1 sits on the line labelled 1", () => {
    const axis = valueAxis([0, 1, 3], { ...PLOT, integer: true });
    expect(axis.ticks).toEqual([0, 1, 2, 3]);
    expect(axis.y(1)).toBeCloseTo(200 - 200 / 3, 6);
    expectHonest([0, 1, 3], axis);
  });

  it("0–5 counts never label fractional positions", () => {
    const axis = valueAxis([0, 1, 4, 5], { ...PLOT, integer: true });
    expect(axis.ticks.every(Number.isInteger)).toBe(true);
    expect(axis.ticks).toContain(1);
    expect(axis.y(1)).toBeCloseTo(200 - (200 * 1) / axis.domain[1], 6);
  });

  it("0–1,000,000: round ticks to a million", () => {
    const axis = valueAxis([12_345, 987_654], PLOT);
    expect(axis.ticks).toEqual([0, 200_000, 400_000, 600_000, 800_000, 1_000_000]);
    expectHonest([12_345, 987_654], axis);
  });

  it("negative values: the domain reaches below zero and zero is a tick", () => {
    const axis = valueAxis([-35, 10, 80], PLOT);
    expect(axis.domain[0]).toBeLessThanOrEqual(-35);
    expect(axis.ticks).toContain(0);
    expectHonest([-35, 10, 80], axis);
  });

  it("a target line above every value widens the domain to show it", () => {
    const axis = valueAxis([2, 5.5], { ...PLOT, alsoShow: [48] });
    expect(axis.domain[1]).toBeGreaterThanOrEqual(48);
    expectHonest([2, 5.5, 48], axis);
  });

  it("no data or all zeros still gives a drawable axis", () => {
    const axis = valueAxis([null, null], { ...PLOT, integer: true });
    expect(axis.ticks).toEqual([0, 1]);
    expect(axis.y(0)).toBe(200);
  });
});

describe("labelStride", () => {
  it("prints every label when they fit, and every nth when they would overlap", () => {
    expect(labelStride(7, 580, 40)).toBe(1);
    expect(labelStride(30, 580, 40)).toBe(3);
    expect(labelStride(90, 580, 40)).toBe(8);
  });
});
