import { describe, expect, it } from "vitest";
import { parseAnnotation, parseAnnotationField } from "~/lib/annotation-schema";
import {
  ANNOTATION_COLORS,
  MAX_ANNOTATION_BYTES,
  MAX_PEN_POINTS,
  MAX_SHAPES,
  drawingLimitProblem,
  serializeAnnotation,
  simplifyPoints,
  type Annotation,
  type Point,
  type Shape,
} from "~/lib/annotations";

// Drawn notes arrive as JSON from a form the browser controls, so every refusal matters as much
// as every acceptance, and each refusal must say something a person can act on.

const pen: Shape = {
  kind: "pen",
  color: "red",
  width: 3,
  points: [
    [0.1, 0.1],
    [0.2, 0.25],
    [0.3, 0.2],
  ],
};
const arrow: Shape = { kind: "arrow", color: "amber", width: 2, from: [0.5, 0.5], to: [0.9, 0.1] };
const rect: Shape = { kind: "rect", color: "white", width: 1, x: 0.1, y: 0.2, w: 0.5, h: 0.6 };
const note: Annotation = { v: 1, shapes: [pen, arrow, rect] };

const refused = (value: unknown) => {
  const result = parseAnnotation(typeof value === "string" ? value : JSON.stringify(value));
  expect(result.ok).toBe(false);
  return result.ok ? "" : result.message;
};
const withShape = (shape: unknown) => ({ v: 1, shapes: [shape] });

describe("serialise and parse", () => {
  it("round-trips every kind of shape", () => {
    const result = parseAnnotation(serializeAnnotation(note));
    expect(result).toEqual({ ok: true, value: note });
  });

  it("rounds coordinates to 1/10000 of the frame and clamps them in", () => {
    const json = serializeAnnotation({
      v: 1,
      shapes: [
        {
          ...pen,
          points: [
            [0.123456789, 1.0000000001],
            [-1e-12, 0.5],
          ],
        } as Shape,
        { ...rect, x: 0.7, w: 0.30000000004 },
      ],
    });
    expect(json).toContain("[0.1235,1]");
    expect(json).toContain("[0,0.5]");
    const result = parseAnnotation(json);
    expect(result.ok).toBe(true);
  });

  it("accepts every palette colour and an empty drawing", () => {
    for (const { id } of ANNOTATION_COLORS)
      expect(parseAnnotation(JSON.stringify(withShape({ ...arrow, color: id }))).ok).toBe(true);
    expect(parseAnnotation('{"v":1,"shapes":[]}').ok).toBe(true);
  });

  it("treats an empty form field as no drawing", () => {
    expect(parseAnnotationField("")).toEqual({ ok: true, value: null });
    expect(parseAnnotationField(null)).toEqual({ ok: true, value: null });
    expect(parseAnnotationField(serializeAnnotation(note)).ok).toBe(true);
    expect(parseAnnotationField(42).ok).toBe(false);
  });
});

describe("validation", () => {
  it("refuses what is not JSON or not a drawing", () => {
    expect(refused("{not json")).toMatch(/not valid JSON/);
    expect(refused("null")).toMatch(/drawing must be an object/);
    expect(refused([1, 2])).toMatch(/drawing must be an object/);
    expect(refused({ v: 2, shapes: [] })).toMatch(/newer version/);
    expect(refused({ v: 1 })).toMatch(/shapes must be a list/);
  });

  it("refuses unknown kinds and malformed shapes", () => {
    expect(refused(withShape({ ...arrow, kind: "circle" }))).toMatch(
      /^Shape 1: .*pen line, an arrow or a rectangle/,
    );
    expect(refused(withShape("pen"))).toMatch(/Shape 1: Each shape must be an object/);
    expect(refused(withShape({ ...arrow, color: "pink" }))).toMatch(/colour must be one of red/);
    expect(refused(withShape({ ...arrow, width: 0 }))).toMatch(/line width/);
    expect(refused(withShape({ ...arrow, width: 9 }))).toMatch(/line width/);
    expect(refused(withShape({ ...arrow, width: 2.5 }))).toMatch(/whole number/);
    expect(refused(withShape({ ...arrow, from: [0.1] }))).toMatch(/pair of numbers/);
    expect(refused(withShape({ ...arrow, from: [0.1, 0.2, 0.3] }))).toMatch(/pair of numbers/);
    expect(refused(withShape({ ...arrow, to: ["0.1", 0.2] }))).toMatch(/must be a number/);
    expect(refused(withShape({ ...rect, x: 0.8, w: 0.5 }))).toMatch(/fit inside the frame/);
  });

  it("refuses extra keys, on the drawing and on a shape", () => {
    expect(refused({ ...note, author: "x" })).toMatch(/field it should not: author/);
    expect(refused(withShape({ ...arrow, label: "hi" }))).toMatch(
      /^Shape 1: An arrow has a field it should not: label/,
    );
    expect(refused(withShape({ ...pen, style: {} }))).toMatch(/pen line has a field/);
  });

  it("refuses coordinates outside the frame and non-finite numbers", () => {
    expect(
      refused(
        withShape({
          ...pen,
          points: [
            [0, 0],
            [1.01, 0.5],
          ],
        }),
      ),
    ).toMatch(/^Shape 1, point 2: .*between 0 and 1/);
    expect(refused(withShape({ ...arrow, from: [-0.01, 0] }))).toMatch(/between 0 and 1/);
    // JSON has no NaN or Infinity: JSON.stringify writes null and 1e999 parses as Infinity.
    expect(refused(withShape({ ...arrow, from: [Number.NaN, 0] }))).toMatch(/must be a number/);
    expect(
      refused(
        '{"v":1,"shapes":[{"kind":"arrow","color":"red","width":2,"from":[1e999,0],"to":[0,0]}]}',
      ),
    ).toMatch(/between 0 and 1|must be a number/);
    expect(
      refused(
        '{"v":1,"shapes":[{"kind":"rect","color":"red","width":2,"x":0,"y":0,"w":-1e999,"h":0}]}',
      ),
    ).toMatch(/between 0 and 1|must be a number/);
  });

  it("refuses pen lines with too few or too many points", () => {
    expect(refused(withShape({ ...pen, points: [[0.1, 0.1]] }))).toMatch(/at least 2 points/);
    const many: Point[] = Array.from({ length: MAX_PEN_POINTS + 1 }, (_, i) => [
      0.5,
      (i % 10) / 10,
    ]);
    expect(refused(withShape({ ...pen, points: many }))).toMatch(/at most 2000 points/);
  });

  it("refuses more than 40 shapes and more than 10000 points in all", () => {
    expect(refused({ v: 1, shapes: Array.from({ length: 41 }, () => arrow) })).toMatch(
      /at most 40 shapes/,
    );
    // 6 × 1800 points: each line is allowed, the total is not. Short numbers keep it under 64 KB.
    const points: Point[] = Array.from({ length: 1800 }, (_, i) => [i % 2, 1]);
    const heavy = { v: 1, shapes: Array.from({ length: 6 }, () => ({ ...pen, points })) };
    expect(JSON.stringify(heavy).length).toBeLessThan(MAX_ANNOTATION_BYTES);
    expect(refused(heavy)).toMatch(/at most 10000 points in all/);
  });

  it("refuses NUL characters, raw or escaped", () => {
    expect(refused(JSON.stringify(withShape({ ...arrow, color: "red\u0000" })))).toMatch(/NUL/);
    expect(refused('{"v":1,"shapes":[{"kind":"pen\\u0000"}]}')).toMatch(/NUL/);
  });

  it("refuses more than 64 KB of JSON before parsing it", () => {
    const padded = serializeAnnotation(note).replace("{", `{${" ".repeat(MAX_ANNOTATION_BYTES)}`);
    expect(refused(padded)).toMatch(/too detailed.*64 KB/);
    // Multi-byte characters count as bytes, not characters.
    const wide = `{"v":1,"shapes":[],"x":"${"é".repeat(MAX_ANNOTATION_BYTES / 2)}"}`;
    expect(wide.length).toBeLessThan(MAX_ANNOTATION_BYTES);
    expect(refused(wide)).toMatch(/64 KB/);
  });
});

describe("simplifyPoints", () => {
  it("keeps the ends and the corners, drops points on a straight line", () => {
    const line: Point[] = Array.from({ length: 101 }, (_, i) => [i / 100, 0.5]);
    expect(simplifyPoints(line)).toEqual([
      [0, 0.5],
      [1, 0.5],
    ]);
    const corner: Point[] = [
      ...Array.from({ length: 50 }, (_, i): Point => [0.1 + i / 100, 0.1]),
      ...Array.from({ length: 50 }, (_, i): Point => [0.6, 0.1 + i / 100]),
    ];
    expect(simplifyPoints(corner)).toEqual([
      [0.1, 0.1],
      [0.6, 0.1],
      [0.6, 0.59],
    ]);
  });

  it("keeps short lines as they are", () => {
    expect(simplifyPoints([])).toEqual([]);
    expect(
      simplifyPoints([
        [0.1, 0.1],
        [0.1, 0.1],
      ]),
    ).toHaveLength(2);
  });

  it("stays within epsilon of a smooth curve with far fewer points", () => {
    const circle: Point[] = Array.from({ length: 1000 }, (_, i) => {
      const a = (i / 999) * Math.PI * 2;
      return [0.5 + 0.3 * Math.cos(a), 0.5 + 0.3 * Math.sin(a)];
    });
    const simple = simplifyPoints(circle, { aspect: 1 });
    expect(simple.length).toBeLessThan(60);
    expect(simple.length).toBeGreaterThan(10);
    expect(simple[0]).toEqual(circle[0]);
    expect(simple[simple.length - 1]).toEqual(circle[999]);
  });

  it("always fits a long scribble under the point limit", () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const scribble: Point[] = Array.from({ length: 20_000 }, () => [random(), random()]);
    const simple = simplifyPoints(scribble, { maxPoints: MAX_PEN_POINTS });
    expect(simple.length).toBeLessThanOrEqual(MAX_PEN_POINTS);
    expect(simple.length).toBeGreaterThan(1);
    const json = serializeAnnotation({ v: 1, shapes: [{ ...pen, points: simple } as Shape] });
    expect(parseAnnotation(json).ok).toBe(true);
  });
});

describe("drawingLimitProblem (the drawing tools' check, without the schema)", () => {
  it("says what the schema would say about a drawing past its limits, and nothing otherwise", () => {
    expect(drawingLimitProblem([pen, arrow])).toBeNull();
    const many = Array.from({ length: MAX_SHAPES + 1 }, () => arrow);
    const tooMany = `A drawing may have at most ${MAX_SHAPES} shapes.`;
    expect(drawingLimitProblem(many)).toBe(tooMany);
    expect(parseAnnotation(JSON.stringify({ v: 1, shapes: many }))).toEqual({
      ok: false,
      message: tooMany,
    });
    const long: Shape = {
      ...pen,
      points: Array.from({ length: MAX_PEN_POINTS + 1 }, (_, i): Point => [i / 4000, 0.5]),
    };
    expect(drawingLimitProblem([arrow, long])).toMatch(/^Shape 2: A pen line may have at most/);
    const schema = parseAnnotation(JSON.stringify({ v: 1, shapes: [arrow, long] }));
    expect(schema.ok).toBe(false);
  });
});
