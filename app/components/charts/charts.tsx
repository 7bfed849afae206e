import type { ReactNode } from "react";
import { cellClass, DataTable, rowClass } from "../ui/table";

// Small SVG charts, drawn on the server and in the browser alike, each with the table of its
// numbers. Hand-written rather than a chart library (ADR 0013): six simple charts did not justify
// a hundred kilobytes of JavaScript on the page admins open most.

/** Colours with at least 3:1 contrast against white, told apart by shape in the legend too. */
export const SERIES_COLOURS = ["#166534", "#1d4ed8", "#b45309", "#7e22ce", "#be123c", "#0f766e"];

export type Series = { name: string; values: (number | null)[] };

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 48 };

function niceMax(max: number) {
  if (max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= max)!;
  return step * magnitude;
}

function Axes({
  labels,
  max,
  format,
}: {
  labels: string[];
  max: number;
  format: (v: number) => string;
}) {
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  // At most ~8 x labels, evenly spread, so long ranges stay readable.
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return (
    <g fontSize="11" fill="#57534e">
      {ticks.map((t) => {
        const y = PAD.top + plotH * (1 - t);
        return (
          <g key={t}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y} y2={y} stroke="#e7e5e4" />
            <text x={PAD.left - 6} y={y + 4} textAnchor="end">
              {format(max * t)}
            </text>
          </g>
        );
      })}
      {labels.map((label, i) =>
        i % every === 0 ? (
          <text
            key={label}
            x={PAD.left + (plotW * (i + 0.5)) / labels.length}
            y={HEIGHT - 8}
            textAnchor="middle"
          >
            {label}
          </text>
        ) : null,
      )}
    </g>
  );
}

function Legend({ series }: { series: Series[] }) {
  if (series.length < 2) return null;
  return (
    <ul className="mt-2 flex flex-wrap gap-4 text-xs text-stone-700">
      {series.map((s, i) => (
        <li key={s.name} className="flex items-center gap-1.5">
          <span
            aria-hidden="true"
            className="inline-block size-3 rounded-sm"
            style={{ background: SERIES_COLOURS[i % SERIES_COLOURS.length] }}
          />
          {s.name}
        </li>
      ))}
    </ul>
  );
}

/** What both charts share: the figure, its name and summary, axes, legend and numbers table. */
type ChartProps = {
  title: string;
  labels: string[];
  labelHeader?: string;
  series: Series[];
  format?: (v: number) => string;
};

const defaultFormat = (v: number) => String(Math.round(v * 10) / 10);

function ChartFrame({
  title,
  labels,
  labelHeader = "Day",
  series,
  format = defaultFormat,
  max,
  children,
}: ChartProps & { max: number; children: ReactNode }) {
  return (
    <figure className="rounded-lg border border-stone-200 bg-white p-4 shadow-sm">
      <figcaption className="mb-2 font-semibold text-stone-900">{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full"
        role="img"
        aria-label={`${title}. ${summarise(series, format)} The numbers are in the table below the chart.`}
      >
        <Axes labels={labels} max={max} format={format} />
        {children}
      </svg>
      <Legend series={series} />
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-brand-800 underline">Show the numbers</summary>
        <div className="mt-2">
          <SeriesTable
            caption={title}
            labelHeader={labelHeader}
            labels={labels}
            series={series}
            format={format}
          />
        </div>
      </details>
    </figure>
  );
}

function SeriesTable({
  caption,
  labelHeader,
  labels,
  series,
  format,
}: {
  caption: string;
  labelHeader: string;
  labels: string[];
  series: Series[];
  format: (v: number) => string;
}) {
  return (
    <DataTable caption={caption} columns={[labelHeader, ...series.map((s) => s.name)]}>
      {labels.map((label, i) => (
        <tr key={label} className={rowClass}>
          <th scope="row" className={`${cellClass} font-normal`}>
            {label}
          </th>
          {series.map((s) => (
            <td key={s.name} className={`${cellClass} tabular-nums`}>
              {s.values[i] === null || s.values[i] === undefined ? "—" : format(s.values[i]!)}
            </td>
          ))}
        </tr>
      ))}
    </DataTable>
  );
}

function summarise(series: Series[], format: (v: number) => string) {
  return series
    .map((s) => {
      const values = s.values.filter((v): v is number => v !== null);
      if (values.length === 0) return `${s.name}: no data.`;
      return `${s.name}: highest ${format(Math.max(...values))}, latest ${format(values.at(-1)!)}.`;
    })
    .join(" ");
}

/** Lines over time; gaps (null) break a line rather than drop it to zero. */
export function LineChart(props: ChartProps) {
  const { labels, series } = props;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (plotW * (i + 0.5)) / Math.max(1, labels.length);
  const y = (v: number) => PAD.top + plotH * (1 - v / max);
  return (
    <ChartFrame {...props} max={max}>
      {series.map((s, si) => {
        const colour = SERIES_COLOURS[si % SERIES_COLOURS.length];
        const segments: string[] = [];
        let current = "";
        s.values.forEach((v, i) => {
          if (v === null) {
            if (current) segments.push(current);
            current = "";
          } else current += `${current ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
        });
        if (current) segments.push(current);
        return (
          <g key={s.name}>
            {segments.map((d) => (
              <path key={d} d={d} fill="none" stroke={colour} strokeWidth={2} />
            ))}
            {s.values.map((v, i) =>
              v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={2.5} fill={colour} />,
            )}
          </g>
        );
      })}
    </ChartFrame>
  );
}

/**
 * Bars per label. Several series are stacked when they add up to a whole (seconds per provider),
 * and side by side (`grouped`) when they do not (money earned and money paid).
 */
export function BarChart({ grouped = false, ...props }: ChartProps & { grouped?: boolean }) {
  const { labels, series } = props;
  const totals = labels.map((_, i) =>
    grouped
      ? Math.max(0, ...series.map((s) => s.values[i] ?? 0))
      : series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0),
  );
  const max = niceMax(Math.max(0, ...totals));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, labels.length);
  const barW = Math.max(2, slot * 0.7);
  return (
    <ChartFrame {...props} max={max}>
      {labels.map((label, i) => {
        let base = 0;
        return (
          <g key={label}>
            {series.map((s, si) => {
              const v = s.values[i] ?? 0;
              const h = (plotH * v) / max;
              const top = PAD.top + plotH - ((grouped ? v : base + v) * plotH) / max;
              if (!grouped) base += v;
              const width = grouped ? barW / series.length : barW;
              const left = PAD.left + slot * i + (slot - barW) / 2 + (grouped ? width * si : 0);
              return v > 0 ? (
                <rect
                  key={s.name}
                  x={left}
                  y={top}
                  width={width}
                  height={h}
                  fill={SERIES_COLOURS[si % SERIES_COLOURS.length]}
                />
              ) : null;
            })}
          </g>
        );
      })}
    </ChartFrame>
  );
}
