import { Timeline } from "~/components/review/timeline";
import { Card } from "~/components/ui/misc";
import type { TimelineEvent } from "~/lib/review";

/** The submission's history, oldest first. */
export function HistoryCard({ events }: { events: TimelineEvent[] }) {
  return (
    <Card>
      <h2 className="text-lg font-semibold">History</h2>
      <div className="mt-3">
        <Timeline events={events} />
      </div>
    </Card>
  );
}
