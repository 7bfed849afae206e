import { Link } from "@remix-run/react";
import type { Announcement } from "./use-live-studio";

/** "Your clip is ready" / "Your clip failed: <reason>", in the corner of the studio. */
export function ResultToasts({
  announcements,
  onDismiss,
}: {
  announcements: Announcement[];
  onDismiss: (jobId: string) => void;
}) {
  return (
    <div
      role="status"
      aria-live="polite"
      className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-80 max-w-[calc(100vw-2rem)] flex-col gap-2"
    >
      {announcements.map((a) => (
        <div
          key={a.jobId}
          className={`pointer-events-auto rounded-md border px-4 py-3 text-sm shadow-lg ${
            a.status === "succeeded"
              ? "border-green-300 bg-green-50 text-green-950"
              : "border-red-300 bg-red-50 text-red-950"
          }`}
        >
          <p className="font-semibold">
            {a.status === "succeeded"
              ? "Your clip is ready"
              : `Your clip failed: ${(a.error ?? "no reason given").replace(/\.$/, "")}`}
          </p>
          <p className="truncate" title={a.prompt}>
            {a.prompt}
          </p>
          <div className="mt-1 flex gap-3">
            {a.status === "succeeded" ? (
              <Link className="font-medium underline" to={`/studio/clips/${a.jobId}`}>
                Open the clip
              </Link>
            ) : null}
            <button type="button" className="underline" onClick={() => onDismiss(a.jobId)}>
              Close<span className="sr-only"> this notice</span>
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
