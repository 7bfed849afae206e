import { useLoaderData } from "@remix-run/react";
import { ChecklistTicks } from "~/components/review/timeline";
import { Card, formatDateTime } from "~/components/ui/misc";
import { DECISION_LABELS } from "~/lib/review";
import type { loader } from "./route";

/**
 * Every decision on the submission, with the reviewer's reason and note, the checklist items that
 * failed and the checklist as the reviewer left it.
 */
export function DecisionsCard() {
  const { submission, decisions } = useLoaderData<typeof loader>();
  return (
    <Card>
      <h2 className="text-lg font-semibold">Decisions</h2>
      {decisions.length === 0 ? (
        <p className="mt-1 text-sm text-stone-700">
          {submission.state === "withdrawn"
            ? "You withdrew it before a decision."
            : "No decision yet. You are told here and by email as soon as there is one."}
        </p>
      ) : (
        <ul className="mt-2 space-y-3">
          {decisions.map((d) => (
            <li key={d.id} className="rounded-md border border-stone-200 p-3 text-sm">
              <p className="font-semibold">
                {DECISION_LABELS[d.decision]}{" "}
                <span className="font-normal text-stone-600">
                  · version {d.version} · {d.reviewer} · {formatDateTime(d.createdAt)}
                </span>
              </p>
              {d.reasonCategory ? (
                <p className="mt-1">
                  <span className="font-medium">Reason:</span> {d.reasonCategory}
                </p>
              ) : null}
              {d.note ? <p className="mt-1 whitespace-pre-wrap">{d.note}</p> : null}
              {d.checklist.length ? <ChecklistTicks entries={d.checklist} /> : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
