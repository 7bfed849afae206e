import { formatHours } from "./submission-state";

/** The published review times everyone sees: median and p90 over the last 30 days. */
export function ReviewTimes({
  times,
  targetHours,
}: {
  times: { decided: number; medianHours: number | null; p90Hours: number | null };
  targetHours: number;
}) {
  return (
    <section
      aria-label="How long review takes"
      className="rounded-lg border border-stone-200 bg-white p-5 text-sm shadow-sm"
    >
      <h2 className="text-lg font-semibold">How long review takes</h2>
      {times.decided === 0 ? (
        <p className="mt-1 text-stone-700">
          No decisions in the last 30 days yet. The target is {targetHours} hours.
        </p>
      ) : (
        <>
          <dl className="mt-2 grid grid-cols-3 gap-3">
            <div>
              <dt className="text-xs text-stone-600">Median</dt>
              <dd className="text-lg font-bold">{formatHours(times.medianHours!)}</dd>
            </div>
            <div>
              <dt className="text-xs text-stone-600">9 in 10 within</dt>
              <dd className="text-lg font-bold">{formatHours(times.p90Hours!)}</dd>
            </div>
            <div>
              <dt className="text-xs text-stone-600">Target</dt>
              <dd className="text-lg font-bold">{targetHours} h</dd>
            </div>
          </dl>
          {/* Outside the <dl>: a list of terms and values may hold only dt/dd groups. */}
          <p className="mt-2 text-xs text-stone-600">
            From submission to decision, over the {times.decided} version
            {times.decided === 1 ? "" : "s"} decided in the last 30 days.
          </p>
        </>
      )}
    </section>
  );
}
