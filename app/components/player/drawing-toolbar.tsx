import { useId, type ReactNode } from "react";
import { ANNOTATION_COLORS, type AnnotationColor } from "~/lib/annotations";
import type { DrawingTool } from "./annotation-layer";
import { ArrowIcon, PenIcon, RectangleIcon, UndoIcon } from "./icons";
import { controlClass, linkClass } from "./styles";

const TOOLS: { tool: DrawingTool; name: string; icon: ReactNode }[] = [
  { tool: "pen", name: "Pen", icon: <PenIcon /> },
  { tool: "arrow", name: "Arrow", icon: <ArrowIcon /> },
  { tool: "rect", name: "Rectangle", icon: <RectangleIcon /> },
];

/**
 * Tools for drawing on the paused frame. A tool button toggles (pressed again, the picture stops
 * taking strokes); colours are a radio group so arrow keys move between them.
 */
export function DrawingToolbar({
  enabled,
  tool,
  onTool,
  color,
  onColor,
  canUndo,
  onUndo,
  onClear,
}: {
  enabled: boolean;
  tool: DrawingTool | null;
  onTool: (tool: DrawingTool | null) => void;
  color: AnnotationColor;
  onColor: (color: AnnotationColor) => void;
  canUndo: boolean;
  onUndo: () => void;
  onClear: () => void;
}) {
  const colorName = useId();
  return (
    <div role="group" aria-label="Drawing" className="flex flex-wrap items-center gap-x-3 gap-y-2">
      <div className="flex items-center gap-1">
        {TOOLS.map(({ tool: t, name, icon }) => (
          <button
            key={t}
            type="button"
            className={controlClass}
            aria-pressed={tool === t}
            disabled={!enabled}
            onClick={() => onTool(tool === t ? null : t)}
            title={name}
          >
            {icon}
            <span className="max-sm:sr-only">{name}</span>
          </button>
        ))}
      </div>
      <fieldset className="flex items-center gap-1" disabled={!enabled}>
        <legend className="sr-only">Colour</legend>
        {ANNOTATION_COLORS.map((c) => (
          <label
            key={c.id}
            title={c.name}
            className="grid size-8 cursor-pointer place-items-center rounded-full has-checked:bg-stone-700 has-focus-visible:outline-2 has-focus-visible:outline-brand-600 has-disabled:cursor-not-allowed has-disabled:opacity-40"
          >
            <input
              type="radio"
              name={colorName}
              value={c.id}
              checked={color === c.id}
              onChange={() => onColor(c.id)}
              className="peer sr-only"
            />
            <span
              aria-hidden="true"
              className="size-4 rounded-full ring-1 ring-black/30 peer-checked:size-5 peer-checked:ring-2 peer-checked:ring-white"
              style={{ backgroundColor: c.hex }}
            />
            <span className="sr-only">{c.name}</span>
          </label>
        ))}
      </fieldset>
      <div className="flex items-center gap-1">
        <button
          type="button"
          className={controlClass}
          disabled={!canUndo}
          onClick={onUndo}
          title="Undo"
        >
          <UndoIcon />
          <span className="max-sm:sr-only">Undo</span>
        </button>
        <button type="button" className={controlClass} disabled={!canUndo} onClick={onClear}>
          Clear drawing
        </button>
      </div>
    </div>
  );
}

/** The one line under the drawing tools: why they are off, or where the drawing is. */
export function DrawingStatus({
  paused,
  draft,
  here,
  timecode,
  notice,
  onReturn,
}: {
  paused: boolean;
  draft: { frame: number } | null;
  here: boolean;
  timecode: (frame: number) => string;
  notice: string;
  onReturn: () => void;
}) {
  if (notice)
    return (
      <p role="alert" className="text-xs text-amber-300">
        {notice}
      </p>
    );
  if (draft && !here)
    return (
      <p className="flex flex-wrap items-center gap-x-2 text-xs text-stone-300">
        Your drawing is on <span className="font-mono tabular-nums">{timecode(draft.frame)}</span>
        <button type="button" onClick={onReturn} className={linkClass}>
          Go to that frame
        </button>
      </p>
    );
  if (!paused) return <p className="text-xs text-stone-400">Pause to draw on the frame.</p>;
  return null;
}
