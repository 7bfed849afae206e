import { useId } from "react";
import { buttonClass } from "~/components/ui/button";

/**
 * Downloads a version's comments: CSV for a spreadsheet, or markers an editor imports onto a
 * timeline (DaVinci Resolve's marker EDL, an Avid marker list), starting at the timeline's own
 * start timecode. A plain GET form: it works without JavaScript and leaves the page as it is.
 */
export function ExportComments({ action, version }: { action: string; version: number }) {
  const id = useId();
  return (
    <details className="relative">
      <summary className={`${buttonClass("secondary")} cursor-pointer list-none`}>
        Export comments<span className="sr-only"> of version {version}</span>
      </summary>
      <form
        method="get"
        action={action}
        className="absolute right-0 z-10 mt-2 w-72 max-w-[calc(100vw-2rem)] space-y-3 rounded-lg border border-stone-200 bg-white p-4 text-sm shadow-lg"
      >
        <input type="hidden" name="version" value={version} />
        <div className="space-y-1">
          <label htmlFor={`${id}-format`} className="block font-medium text-stone-800">
            Format
          </label>
          <select
            id={`${id}-format`}
            name="format"
            defaultValue="csv"
            className="block w-full rounded-md border border-stone-300 bg-white px-3 py-2"
          >
            <option value="csv">Spreadsheet (CSV)</option>
            <option value="edl">DaVinci Resolve markers (EDL)</option>
            <option value="avid">Avid Media Composer markers (TXT)</option>
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-start`} className="block font-medium text-stone-800">
            Timeline starts at
          </label>
          <select
            id={`${id}-start`}
            name="start"
            defaultValue="00:00:00:00"
            className="block w-full rounded-md border border-stone-300 bg-white px-3 py-2 font-mono"
          >
            <option value="00:00:00:00">00:00:00:00</option>
            <option value="01:00:00:00">01:00:00:00</option>
          </select>
        </div>
        <button type="submit" className={buttonClass("primary", "w-full")}>
          Download
        </button>
      </form>
    </details>
  );
}
