import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { BarChart, LineChart } from "~/components/charts/charts";
import { Button } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { EmptyState, formatTimeOfDay, PageHeader } from "~/components/ui/misc";
import { formatDay } from "~/lib/dates";
import { formatMoney } from "~/lib/money";
import { ModelBreakdown } from "./model-breakdown";
import type { loader } from "./route";

const PRESETS = [
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
];

const DECISION_LABEL: Record<string, string> = {
  approve: "Approved",
  request_changes: "Changes requested",
  reject: "Rejected",
};

/** The program's health over a range of days: charts with their numbers, and the range's form. */
export function DashboardPage() {
  const {
    dashboard: d,
    computedAt,
    asked,
    error,
    today,
    reviewTargetHours,
    byModel,
  } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const short = (day: string) => formatDay(day).replace(/ \d{4}$/, "");
  const dayLabels = d.activeArtists.map((a) => short(a.day));
  const preset = (days: number) => {
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * 86_400_000);
    return `?from=${from.toISOString().slice(0, 10)}&to=${today}`;
  };
  return (
    <>
      <PageHeader
        title="Dashboard"
        description={
          <>
            The program&apos;s health from {formatDay(d.range.from)} to {formatDay(d.range.to)} (UTC
            days). Figures as of {formatTimeOfDay(computedAt)}; they refresh every minute.
          </>
        }
        actions={
          <Link className="text-sm text-brand-800 underline" to="/admin/flags">
            Anomaly flags →
          </Link>
        }
      />
      <Form method="get" className="mb-6 flex flex-wrap items-end gap-3" aria-label="Date range">
        <TextField label="From" name="from" type="date" defaultValue={asked.from} max={today} />
        <TextField label="To" name="to" type="date" defaultValue={asked.to} max={today} />
        <Button type="submit" variant="secondary" busy={navigation.state === "loading"}>
          Show
        </Button>
        <nav aria-label="Preset ranges" className="flex gap-1 text-sm">
          {PRESETS.map((p) => (
            <Link
              key={p.days}
              className="rounded-md px-3 py-2 text-brand-800 underline"
              to={preset(p.days)}
            >
              Last {p.label}
            </Link>
          ))}
        </nav>
      </Form>
      <FormError message={error} />
      <div className="grid gap-6 lg:grid-cols-2">
        <BarChart
          title="Seconds generated per day, by provider"
          labels={d.generated.days.map((r) => short(r.day))}
          series={(d.generated.providers.length ? d.generated.providers : ["local"]).map((p) => ({
            name: p,
            values: d.generated.days.map((r) => r[p] ?? 0),
          }))}
          format={(v) => `${Math.round(v)} s`}
        />
        <LineChart
          title="Active artists per day"
          labels={dayLabels}
          series={[{ name: "Artists", values: d.activeArtists.map((a) => a.artists) }]}
          format={(v) => String(Math.round(v))}
          integer
        />
        <LineChart
          title="Generation queue: jobs waiting at the end of each day"
          labels={d.queue.map((q) => short(q.day))}
          series={[{ name: "Waiting", values: d.queue.map((q) => q.depth) }]}
          format={(v) => String(Math.round(v))}
          integer
        />
        <LineChart
          title="Generation queue: wait for a slot (minutes)"
          labels={d.queue.map((q) => short(q.day))}
          series={[
            { name: "Median", values: d.queue.map((q) => q.waitP50Minutes) },
            { name: "p90", values: d.queue.map((q) => q.waitP90Minutes) },
          ]}
          format={(v) => `${Math.round(v * 10) / 10} min`}
        />
        {d.reviewTimes.length === 0 ? (
          <EmptyState title="No review decisions in this range" />
        ) : (
          <LineChart
            title="Review time to decision, by week (hours)"
            labelHeader="Week of"
            labels={d.reviewTimes.map((w) => short(w.week))}
            series={[
              { name: "Median", values: d.reviewTimes.map((w) => w.medianHours) },
              { name: "p90", values: d.reviewTimes.map((w) => w.p90Hours) },
            ]}
            format={(v) => `${Math.round(v * 10) / 10} h`}
            reference={{ value: reviewTargetHours, label: `Target ${reviewTargetHours} h` }}
          />
        )}
        {d.decisions.length === 0 ? (
          <EmptyState title="No decisions in this range" />
        ) : (
          <BarChart
            title="Decisions by reason"
            labelHeader="Decision and reason"
            labels={d.decisions.map(
              (r) =>
                `${DECISION_LABEL[r.decision] ?? r.decision}${r.reason ? `: ${r.reason}` : ""}`,
            )}
            series={[{ name: "Decisions", values: d.decisions.map((r) => r.count) }]}
            format={(v) => String(Math.round(v))}
            integer
            horizontal
          />
        )}
        {d.money.length === 0 ? (
          <EmptyState title="No money moved in this range" />
        ) : (
          d.money.map((m) => (
            <BarChart
              key={m.currency}
              title={`Money by state per month (${m.currency})`}
              labelHeader="Month"
              grouped
              labels={m.months.map((r) => r.month)}
              series={[
                { name: "Earned", values: m.months.map((r) => r.earnedMinor) },
                { name: "In a payout", values: m.months.map((r) => r.inPayoutMinor) },
                { name: "Paid", values: m.months.map((r) => r.paidMinor) },
                { name: "Failed", values: m.months.map((r) => r.failedMinor) },
              ]}
              format={(v) => formatMoney(Math.round(v), m.currency)}
            />
          ))
        )}
      </div>
      <ModelBreakdown rows={byModel} />
    </>
  );
}
