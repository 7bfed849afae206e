import { useRef, useState, type PointerEvent } from "react";
import {
  WIDTH_UNIT,
  colorHex,
  describeShapes,
  drawingLimitProblem,
  simplifyPoints,
  type AnnotationColor,
  type Point,
  type Shape,
} from "~/lib/annotations";
import { clientToFrame } from "./geometry";

// Drawings are SVG laid over the whole <video> box. The viewBox has the frame's aspect ratio and
// preserveAspectRatio "xMidYMid meet" letterboxes it exactly as object-fit: contain letterboxes
// the picture, so shapes stay on the picture at any size with no measuring in JavaScript.

/** viewBox units across the frame; the height follows the aspect ratio. */
const VIEW_WIDTH = 1000;

type Frame = { width: number; height: number };

const frameOf = (aspect: number): Frame => ({
  width: VIEW_WIDTH,
  height: VIEW_WIDTH / (aspect > 0 && Number.isFinite(aspect) ? aspect : 16 / 9),
});

const shapeNames = { pen: "a pen line", arrow: "an arrow", rect: "a rectangle" } as const;

export { describeShapes };

function ShapeView({ shape, frame }: { shape: Shape; frame: Frame }) {
  const stroke = colorHex(shape.color);
  const strokeWidth = shape.width * WIDTH_UNIT * frame.width;
  const at = ([x, y]: Point) => [x * frame.width, y * frame.height] as const;
  const common = {
    stroke,
    strokeWidth,
    fill: "none",
    strokeLinecap: "round",
    strokeLinejoin: "round",
  } as const;
  switch (shape.kind) {
    case "pen": {
      const d = shape.points
        .map((p, i) => {
          const [x, y] = at(p);
          return `${i === 0 ? "M" : "L"}${x.toFixed(1)} ${y.toFixed(1)}`;
        })
        .join("");
      return <path d={d} {...common} />;
    }
    case "rect":
      return (
        <rect
          x={shape.x * frame.width}
          y={shape.y * frame.height}
          width={shape.w * frame.width}
          height={shape.h * frame.height}
          {...common}
        />
      );
    case "arrow": {
      const [x1, y1] = at(shape.from);
      const [x2, y2] = at(shape.to);
      const length = Math.hypot(x2 - x1, y2 - y1) || 1;
      // The head grows with the line width but never beyond 40% of the arrow's own length.
      const head = Math.min(length * 0.4, Math.max(strokeWidth * 4, frame.width * 0.02));
      const [ux, uy] = [(x2 - x1) / length, (y2 - y1) / length];
      const [bx, by] = [x2 - ux * head, y2 - uy * head];
      const [px, py] = [-uy * head * 0.55, ux * head * 0.55];
      return (
        <g>
          {/* The shaft stops at the head's base so its round cap does not blunt the tip. */}
          <line x1={x1} y1={y1} x2={bx} y2={by} {...common} />
          <polygon
            points={`${x2},${y2} ${bx + px},${by + py} ${bx - px},${by - py}`}
            fill={stroke}
            stroke={stroke}
            strokeWidth={strokeWidth / 2}
            strokeLinejoin="round"
          />
        </g>
      );
    }
  }
}

function Shapes({ shapes, frame }: { shapes: Shape[]; frame: Frame }) {
  return (
    // A soft dark halo keeps white and amber lines visible on bright pictures.
    <g style={{ filter: "drop-shadow(0 0 1.5px rgb(0 0 0 / 0.7))" }}>
      {shapes.map((shape, i) => (
        <ShapeView key={i} shape={shape} frame={frame} />
      ))}
    </g>
  );
}

/**
 * A note's shapes over the video. Put it in a `relative` box exactly the size of the <video>;
 * `aspect` is the clip's width / height (videoWidth / videoHeight once metadata has loaded).
 */
export function AnnotationLayer({ shapes, aspect }: { shapes: Shape[]; aspect: number }) {
  const frame = frameOf(aspect);
  if (shapes.length === 0) return null;
  return (
    <svg
      className="pointer-events-none absolute inset-0 h-full w-full"
      viewBox={`0 0 ${frame.width} ${frame.height}`}
      preserveAspectRatio="xMidYMid meet"
      role="img"
      aria-label={`Drawing on this frame: ${describeShapes(shapes)}`}
    >
      <Shapes shapes={shapes} frame={frame} />
    </svg>
  );
}

export type DrawingTool = "pen" | "arrow" | "rect";

type EditorProps = {
  shapes: Shape[];
  /** Called with the new list after each finished stroke, undo excluded (the toolbar does that). */
  onChange: (shapes: Shape[]) => void;
  /** Called instead of onChange when a stroke would take the drawing past its limits. */
  onRefuse: (message: string) => void;
  tool: DrawingTool;
  color: AnnotationColor;
  width: number;
  aspect: number;
};

// Below this (a fraction of the frame's width) a pointer move adds no pen point, an arrow or a
// rectangle is a slip of the finger and is dropped.
const MIN_STEP = 0.002;
const MIN_SIZE = 0.01;

/**
 * Drawing on the paused frame with a mouse, finger or pen. Pointer capture keeps a stroke going
 * when it leaves the picture (points are clamped to the frame's edge); touch-action: none stops a
 * finger from scrolling the page while drawing. Pen strokes are simplified before they are kept.
 */
export function AnnotationEditor({
  shapes,
  onChange,
  onRefuse,
  tool,
  color,
  width,
  aspect,
}: EditorProps) {
  const frame = frameOf(aspect);
  const [draft, setDraft] = useState<Shape | null>(null);
  const pointerId = useRef<number | null>(null);
  // Where a rectangle started: it grows from this corner in whichever direction the pointer goes.
  const origin = useRef<Point>([0, 0]);

  const toFrame = (event: PointerEvent<SVGSVGElement>): Point =>
    clientToFrame(
      event.clientX,
      event.clientY,
      event.currentTarget.getBoundingClientRect(),
      frame.width / frame.height,
    );

  const start = (event: PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0 || pointerId.current !== null) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    pointerId.current = event.pointerId;
    const p = toFrame(event);
    if (tool === "pen") setDraft({ kind: "pen", color, width, points: [p] });
    else if (tool === "arrow") setDraft({ kind: "arrow", color, width, from: p, to: p });
    else setDraft({ kind: "rect", color, width, x: p[0], y: p[1], w: 0, h: 0 });
    origin.current = p;
  };

  const move = (event: PointerEvent<SVGSVGElement>) => {
    if (event.pointerId !== pointerId.current || !draft) return;
    const p = toFrame(event);
    if (draft.kind === "pen") {
      const last = draft.points[draft.points.length - 1]!;
      if (Math.hypot(p[0] - last[0], (p[1] - last[1]) / (frame.width / frame.height)) < MIN_STEP)
        return;
      setDraft({ ...draft, points: [...draft.points, p] });
    } else if (draft.kind === "arrow") setDraft({ ...draft, to: p });
    else {
      const [ox, oy] = origin.current;
      setDraft({
        ...draft,
        x: Math.min(ox, p[0]),
        y: Math.min(oy, p[1]),
        w: Math.abs(p[0] - ox),
        h: Math.abs(p[1] - oy),
      });
    }
  };

  const finish = (event: PointerEvent<SVGSVGElement>) => {
    if (event.pointerId !== pointerId.current) return;
    pointerId.current = null;
    const shape = draft && event.type === "pointerup" ? finished(draft, aspect) : null;
    setDraft(null);
    if (!shape) return;
    const next = [...shapes, shape];
    const problem = drawingLimitProblem(next);
    if (problem) onRefuse(problem);
    else onChange(next);
  };

  return (
    <svg
      className="absolute inset-0 h-full w-full cursor-crosshair touch-none select-none"
      viewBox={`0 0 ${frame.width} ${frame.height}`}
      preserveAspectRatio="xMidYMid meet"
      role="img"
      aria-label={
        shapes.length
          ? `Your drawing: ${describeShapes(shapes)}. Drag on the picture to add ${shapeNames[tool]}.`
          : `Drag on the picture to draw ${shapeNames[tool]}.`
      }
      onPointerDown={start}
      onPointerMove={move}
      onPointerUp={finish}
      onPointerCancel={finish}
      data-testid="annotation-editor"
    >
      <Shapes shapes={draft ? [...shapes, draft] : shapes} frame={frame} />
    </svg>
  );
}

/** A stroke as it is kept: simplified, or null when it was too small to mean anything. */
function finished(shape: Shape, aspect: number): Shape | null {
  switch (shape.kind) {
    case "pen": {
      // A tap is a dot: two equal points draw a round cap.
      const points =
        shape.points.length === 1 ? [shape.points[0]!, shape.points[0]!] : shape.points;
      return { ...shape, points: simplifyPoints(points, { aspect }) };
    }
    case "arrow": {
      const dy = (shape.to[1] - shape.from[1]) / aspect;
      return Math.hypot(shape.to[0] - shape.from[0], dy) < MIN_SIZE ? null : shape;
    }
    case "rect":
      return shape.w < MIN_SIZE && shape.h * (1 / aspect) < MIN_SIZE ? null : shape;
  }
}
