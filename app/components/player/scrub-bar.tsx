import { formatTimecode, type FrameRate } from "~/lib/timecode";
import type { FrameRange, PlayerMarker } from "./types";

// The thumb is 14px wide and the browser keeps its centre 7px inside each end of the range input,
// so the track, loop band and markers are inset by the same 7px to line up with frame positions.
const THUMB_INSET = "mx-[7px]";

const percent = (frame: number, lastFrame: number) =>
  `${lastFrame > 0 ? (Math.min(frame, lastFrame) / lastFrame) * 100 : 0}%`;

/**
 * Seeking by frame: a range input (arrow keys step one frame; aria-valuetext reads the
 * timecode), with the loop shaded and the comment markers as buttons above it.
 */
export function ScrubBar({
  frame,
  lastFrame,
  rate,
  loop,
  markers,
  selectedMarkerId,
  onScrub,
  onMarker,
}: {
  frame: number;
  lastFrame: number;
  rate: FrameRate;
  loop: FrameRange | null;
  markers: PlayerMarker[];
  selectedMarkerId?: PlayerMarker["id"] | null;
  onScrub: (frame: number) => void;
  onMarker: (marker: PlayerMarker) => void;
}) {
  return (
    <div className="select-none">
      {markers.length > 0 ? (
        <ul aria-label="Comments on the timeline" className={`relative h-5 ${THUMB_INSET}`}>
          {markers.map((marker) => (
            <li key={marker.id}>
              <MarkerButton
                marker={marker}
                lastFrame={lastFrame}
                rate={rate}
                selected={marker.id === selectedMarkerId}
                onSelect={() => onMarker(marker)}
              />
            </li>
          ))}
        </ul>
      ) : null}
      <div className="relative h-6">
        <div
          aria-hidden="true"
          className={`absolute inset-x-0 top-1/2 h-1.5 -translate-y-1/2 overflow-hidden rounded-full bg-stone-700 ${THUMB_INSET}`}
        >
          {loop ? (
            <div
              className="absolute inset-y-0 bg-brand-600/45"
              style={{
                left: percent(loop.in, lastFrame),
                width: `calc(${percent(loop.out, lastFrame)} - ${percent(loop.in, lastFrame)})`,
              }}
            />
          ) : null}
          <div
            className="absolute inset-y-0 left-0 bg-brand-600"
            style={{ width: percent(frame, lastFrame) }}
          />
        </div>
        <input
          type="range"
          min={0}
          max={lastFrame}
          step={1}
          value={Math.min(frame, lastFrame)}
          onChange={(event) => onScrub(Number(event.currentTarget.value))}
          aria-label="Position"
          aria-valuetext={formatTimecode(frame, rate)}
          className="absolute inset-0 h-full w-full cursor-pointer appearance-none bg-transparent focus-visible:outline-offset-1 focus-visible:outline-brand-600 [&::-moz-range-thumb]:size-3.5 [&::-moz-range-thumb]:rounded-full [&::-moz-range-thumb]:border-0 [&::-moz-range-thumb]:bg-white [&::-moz-range-track]:bg-transparent [&::-webkit-slider-runnable-track]:bg-transparent [&::-webkit-slider-thumb]:size-3.5 [&::-webkit-slider-thumb]:appearance-none [&::-webkit-slider-thumb]:rounded-full [&::-webkit-slider-thumb]:bg-white [&::-webkit-slider-thumb]:shadow [&::-webkit-slider-thumb]:ring-2 [&::-webkit-slider-thumb]:ring-stone-900/40"
        />
      </div>
    </div>
  );
}

function MarkerButton({
  marker,
  lastFrame,
  rate,
  selected,
  onSelect,
}: {
  marker: PlayerMarker;
  lastFrame: number;
  rate: FrameRate;
  selected: boolean;
  onSelect: () => void;
}) {
  const ranged = marker.endFrame !== undefined && marker.endFrame > marker.frame;
  const at = ranged
    ? `from ${formatTimecode(marker.frame, rate)} to ${formatTimecode(marker.endFrame!, rate)}`
    : `at ${formatTimecode(marker.frame, rate)}`;
  const name = `Comment ${at}: ${marker.label}`;
  const tone = selected
    ? "bg-white ring-2 ring-brand-600"
    : "bg-amber-400 group-hover:bg-amber-300";
  return (
    <button
      type="button"
      onClick={onSelect}
      aria-label={name}
      aria-current={selected ? "true" : undefined}
      title={name}
      className={`group absolute top-0 flex h-5 items-end justify-center rounded-sm focus-visible:outline-offset-0 focus-visible:outline-brand-600 ${ranged ? "" : "w-5 -translate-x-1/2"}`}
      style={
        ranged
          ? {
              left: percent(marker.frame, lastFrame),
              width: `max(0.5rem, calc(${percent(marker.endFrame!, lastFrame)} - ${percent(marker.frame, lastFrame)}))`,
            }
          : { left: percent(marker.frame, lastFrame) }
      }
    >
      <span
        aria-hidden="true"
        className={`block h-2.5 rounded-sm ${ranged ? "w-full" : "w-1.5"} ${tone}`}
      />
    </button>
  );
}
