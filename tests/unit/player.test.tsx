import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import {
  AnnotationLayer,
  FramePlayer,
  shapesOnFrame,
  type PlayerMarker,
  type PlayerSnapshot,
} from "~/components/player";
import { clientToFrame, containBox } from "~/components/player/geometry";
import { shuttle, type Transport } from "~/components/player/shuttle";
import type { Annotation } from "~/lib/annotations";
import { FRAME_RATES } from "~/lib/timecode";

// The player's markup as the server renders it (no DOM here: no jsdom), and the pure pieces
// behind its behaviour: J/K/L, letterbox geometry, which drawings show on a frame.

const arrowNote: Annotation = {
  v: 1,
  shapes: [{ kind: "arrow", color: "red", width: 3, from: [0.1, 0.1], to: [0.5, 0.5] }],
};
const rectNote: Annotation = {
  v: 1,
  shapes: [{ kind: "rect", color: "blue", width: 2, x: 0.2, y: 0.2, w: 0.3, h: 0.3 }],
};
const markers: PlayerMarker[] = [
  { id: 1, frame: 30, label: "Ana: logo is soft", annotation: arrowNote },
  { id: 2, frame: 25, endFrame: 50, label: "Ben: colour shift", annotation: rectNote },
];

function render(extra: Record<string, unknown> = {}) {
  return renderToString(
    createElement(FramePlayer, {
      src: "/clip.mp4",
      label: "Trailer v3",
      rate: FRAME_RATES.pal,
      durationSeconds: 4,
      markers,
      ...extra,
    }),
  );
}

const accessibleNames = (html: string) =>
  [...html.matchAll(/aria-label="([^"]*)"/g)].map((m) => m[1]!.replace(/&#x27;/g, "'"));

describe("FramePlayer markup", () => {
  it("names every control", () => {
    const names = accessibleNames(render());
    for (const name of [
      "Player: Trailer v3",
      "Trailer v3",
      "Play",
      "Previous frame",
      "Next frame",
      "Mark loop in",
      "Mark loop out",
      "Keyboard shortcuts",
      "Fullscreen",
      "Position",
      "Comments on the timeline",
    ])
      expect(names).toContain(name);
  });

  it("shows the timecode at the clip's rate and the duration", () => {
    const html = render();
    expect(html).toMatch(/data-testid="timecode".*00:00:00:00.*00:00:04:00/s);
    expect(html).toContain('aria-valuetext="00:00:00:00"');
    expect(html).toMatch(/type="range"[^>]*max="99"/);
    const ntsc = render({ rate: FRAME_RATES.ntsc, durationSeconds: 4.004 });
    expect(ntsc).toContain("00:00:04:00");
    expect(ntsc).toMatch(/max="119"/);
  });

  it("puts the comments on the timeline in frame order with their timecodes", () => {
    const names = accessibleNames(render()).filter((n) => n.startsWith("Comment "));
    expect(names).toEqual([
      "Comment from 00:00:01:00 to 00:00:02:00: Ben: colour shift",
      "Comment at 00:00:01:05: Ana: logo is soft",
    ]);
    expect(render({ selectedMarkerId: 1 })).toMatch(/aria-current="true"[^>]*Ana/);
  });

  it("has a polite live region and a shortcut sheet", () => {
    const html = render();
    expect(html).toMatch(/role="status" aria-live="polite"/);
    expect(html).toMatch(/<dialog[^>]*aria-labelledby/);
    expect(html).toContain("Keyboard shortcuts</h2>");
    expect(html).toContain(">Previous frame</dd>");
  });

  it("offers drawing tools only when asked to, and hands the form its fields", () => {
    expect(render()).not.toContain('aria-label="Drawing"');
    let snapshot: unknown;
    const html = render({
      annotate: true,
      initialLoop: { in: 10, out: 20 },
      children: (s: PlayerSnapshot) => {
        snapshot = s;
        return createElement("form", null, s.fields, "comment form");
      },
    });
    expect(html).toContain('aria-label="Drawing"');
    for (const tool of ["Pen", "Arrow", "Rectangle", "Undo", "Clear drawing"])
      expect(html).toContain(`>${tool}</`);
    expect(html).toContain('name="frame" value="10"');
    expect(html).toContain('name="endFrame" value="20"');
    expect(html).toContain('name="annotation" value=""');
    expect(html).toContain("comment form");
    expect(snapshot).toMatchObject({
      frame: 10,
      range: { in: 10, out: 20 },
      timecode: "00:00:00:10 – 00:00:00:20",
      annotation: "",
    });
  });
});

describe("AnnotationLayer", () => {
  it("draws shapes in a viewBox with the frame's aspect, letterboxed like the video", () => {
    const html = renderToString(
      createElement(AnnotationLayer, { shapes: rectNote.shapes, aspect: 2 }),
    );
    expect(html).toContain('viewBox="0 0 1000 500"');
    expect(html).toContain('preserveAspectRatio="xMidYMid meet"');
    expect(html).toContain('aria-label="Drawing on this frame: blue rectangle"');
    expect(html).toMatch(/<rect x="200" y="100" width="300" height="150"/);
    expect(renderToString(createElement(AnnotationLayer, { shapes: [], aspect: 2 }))).toBe("");
  });
});

describe("shapesOnFrame", () => {
  it("shows the drawings of the comments covering the frame", () => {
    expect(shapesOnFrame(markers, 10, null)).toEqual([]);
    expect(shapesOnFrame(markers, 25, null)).toEqual(rectNote.shapes);
    expect(shapesOnFrame(markers, 30, null)).toEqual([...arrowNote.shapes, ...rectNote.shapes]);
    expect(shapesOnFrame(markers, 50, null)).toEqual(rectNote.shapes);
    expect(shapesOnFrame(markers, 51, null)).toEqual([]);
  });

  it("shows only the selected comment's drawing when it covers the frame", () => {
    expect(shapesOnFrame(markers, 30, 2)).toEqual(rectNote.shapes);
    expect(shapesOnFrame(markers, 40, 1)).toEqual(rectNote.shapes);
  });
});

describe("shuttle", () => {
  const at = (direction: Transport["direction"], speed: Transport["speed"]) => ({
    direction,
    speed,
  });
  it("K pauses, L plays and doubles up to 2×", () => {
    expect(shuttle(at("forward", 2), "k")).toEqual(at("paused", 2));
    expect(shuttle(at("paused", 1), "l")).toEqual(at("forward", 1));
    expect(shuttle(at("forward", 1), "l")).toEqual(at("forward", 2));
    expect(shuttle(at("forward", 2), "l")).toEqual(at("forward", 2));
    expect(shuttle(at("forward", 1.5), "l")).toEqual(at("forward", 2));
  });

  it("J plays backwards, faster when repeated", () => {
    expect(shuttle(at("paused", 1), "j")).toEqual(at("reverse", 1));
    expect(shuttle(at("reverse", 1), "j")).toEqual(at("reverse", 2));
    expect(shuttle(at("reverse", 0.25), "j")).toEqual(at("reverse", 0.5));
  });

  it("a change of direction keeps slow motion but drops back from fast", () => {
    expect(shuttle(at("reverse", 2), "l")).toEqual(at("forward", 1));
    expect(shuttle(at("forward", 2), "j")).toEqual(at("reverse", 1));
    expect(shuttle(at("paused", 0.5), "l")).toEqual(at("forward", 0.5));
  });
});

describe("letterbox geometry", () => {
  it("finds the picture inside the video box", () => {
    expect(containBox(1000, 1000, 2)).toEqual({ x: 0, y: 250, width: 1000, height: 500 });
    expect(containBox(2000, 500, 2)).toEqual({ x: 500, y: 0, width: 1000, height: 500 });
    expect(containBox(0, 500, 2)).toEqual({ x: 0, y: 0, width: 0, height: 0 });
  });

  it("maps pointer positions to frame coordinates, clamped to the picture", () => {
    const box = { left: 100, top: 50, width: 1000, height: 1000 };
    expect(clientToFrame(600, 550, box, 2)).toEqual([0.5, 0.5]);
    expect(clientToFrame(100, 300, box, 2)).toEqual([0, 0]);
    expect(clientToFrame(1100, 800, box, 2)).toEqual([1, 1]);
    expect(clientToFrame(600, 10, box, 2)).toEqual([0.5, 0]);
  });
});
