import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { FEEDBACK_CATEGORIES, type FeedbackCategory } from "~/lib/money";
import { formatTimeOfDay } from "~/lib/time-zone";

type Row = { modelId: string | null; model: string; total: number; pending: number } & Record<
  FeedbackCategory,
  number
>;

const HEADINGS = { quality: "Quality", safety: "Safety", bug: "Bug", idea: "Idea" } as const;

/** Feedback reports per model of the generation they are about, by category (ADR 0022). */
export function FeedbackByModel({ rows, countedAt }: { rows: readonly Row[]; countedAt: string }) {
  return (
    <section aria-labelledby="feedback-by-model" className="mb-8">
      <h2 id="feedback-by-model" className="mb-1 text-lg font-semibold">
        Feedback reports by model
      </h2>
      <p className="mb-3 text-sm text-stone-600">
        Reports pending or approved, by the model of the generation they are about. Counted at{" "}
        {formatTimeOfDay(countedAt)}; the counts refresh every minute.
      </p>
      {rows.length === 0 ? (
        <p className="text-sm text-stone-600">No feedback reports yet.</p>
      ) : (
        <DataTable
          caption="Feedback reports by model and category"
          columns={["Model", ...FEEDBACK_CATEGORIES.map((c) => HEADINGS[c]), "Total", "Pending"]}
        >
          {rows.map((r) => (
            <tr key={`${r.modelId ?? ""}-${r.model}`} className={rowClass}>
              <th scope="row" className={cellClass}>
                {r.model}
              </th>
              {FEEDBACK_CATEGORIES.map((c) => (
                <td key={c} className={`${cellClass} tabular-nums`}>
                  {r[c]}
                </td>
              ))}
              <td className={`${cellClass} tabular-nums`}>{r.total}</td>
              <td className={`${cellClass} tabular-nums`}>{r.pending}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
