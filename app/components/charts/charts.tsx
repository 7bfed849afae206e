import type { ReactNode } from "react";
import { labelStride, textWidth, valueAxis } from "~/lib/chart-scale";
import { cellClass, DataTable, rowClass } from "../ui/table";

// Small SVG charts, drawn on the server and in the browser alike, each with the table of its
// numbers. The scales come from d3-scale (ADR 0023, replacing the hand-rolled ticks of ADR 0013):
// ticks are round numbers drawn at their own gridlines. Every point and bar carries its exact
// value as a tooltip (an SVG <title>: no script needed).

/**
 * Colours with at least 3:1 contrast against the card in either scheme (tokens in app/styles.css,
 * lighter in dark mode), told apart by shape and dash too. Set through `style`: SVG presentation
 * attributes do not take var().
 */
export const SERIES_COLOURS = [1, 2, 3, 4, 5, 6].map((n) => `var(--chart-${n})`);
/** Dash patterns per series, so a median and a p90 differ without colour. */
const SERIES_DASHES = [undefined, "6 4", "2 3", "8 3 2 3"];
const TARGET_COLOUR = "var(--chart-target)";

export type Series = { name: string; values: (number | null)[] };
export type Reference = { value: number; label: string };

const WIDTH = 640;
const HEIGHT = 240;
const FONT = 12;

/** What every chart shares: its name and numbers, how values read, and optional extras. */
type ChartProps = {
  title: string;
  labels: string[];
  labelHeader?: string;
  series: Series[];
  format?: (v: number) => string;
  /** Counts: whole-number ticks only. */
  integer?: boolean;
  /** A horizontal line across the plot, such as the review target. */
  reference?: Reference;
};

const defaultFormat = (v: number) => String(Math.round(v * 10) / 10);

type Layout = {
  left: number;
  right: number;
  top: number;
  bottom: number;
  plotW: number;
};

function layoutFor(tickLabels: string[], bottomRoom = 30): Layout {
  // The left margin fits the longest tick label, so currency labels are never clipped.
  const left = Math.max(32, ...tickLabels.map((t) => textWidth(t) + 10));
  const right = 12;
  return { left, right, top: 14, bottom: HEIGHT - bottomRoom, plotW: WIDTH - left - right };
}

function Legend({
  series,
  reference,
  bars,
}: {
  series: Series[];
  reference?: Reference;
  bars?: boolean;
}) {
  if (series.length < 2 && !reference) return null;
  return (
    <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-stone-700">
      {series.map((s, i) => (
        <li key={s.name} className="flex items-center gap-1.5">
          <svg aria-hidden="true" width="24" height="10" viewBox="0 0 24 10">
            {bars ? (
              <rect
                x="7"
                y="0"
                width="10"
                height="10"
                style={{ fill: SERIES_COLOURS[i % SERIES_COLOURS.length] }}
              />
            ) : (
              <line
                x1="0"
                x2="24"
                y1="5"
                y2="5"
                style={{ stroke: SERIES_COLOURS[i % SERIES_COLOURS.length] }}
                strokeWidth="3"
                strokeDasharray={SERIES_DASHES[i % SERIES_DASHES.length]}
              />
            )}
          </svg>
          {s.name}
        </li>
      ))}
      {reference ? (
        <li className="flex items-center gap-1.5">
          <svg aria-hidden="true" width="24" height="10" viewBox="0 0 24 10">
            <line
              x1="0"
              x2="24"
              y1="5"
              y2="5"
              style={{ stroke: TARGET_COLOUR }}
              strokeWidth="2"
              strokeDasharray="3 2"
            />
          </svg>
          {reference.label}
        </li>
      ) : null}
    </ul>
  );
}

function ChartFrame({
  title,
  labels,
  labelHeader = "Day",
  series,
  format = defaultFormat,
  reference,
  height = HEIGHT,
  bars = false,
  children,
}: ChartProps & { children: ReactNode; height?: number; bars?: boolean }) {
  return (
    <figure className="min-w-0 rounded-lg border border-stone-200 bg-white p-4 shadow-sm">
      <figcaption className="mb-2 font-semibold text-stone-900">{title}</figcaption>
      {/* On a phone the chart keeps a readable size and scrolls inside its own box. */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
      <div className="overflow-x-auto" role="region" aria-label={`${title}: chart`} tabIndex={0}>
        <svg
          viewBox={`0 0 ${WIDTH} ${height}`}
          className="chart h-auto w-full min-w-[30rem]"
          role="img"
          aria-label={`${title}. ${summarise(series, format)}${reference ? ` ${reference.label}: ${format(reference.value)}.` : ""} The numbers are in the table below the chart.`}
        >
          {children}
        </svg>
      </div>
      <Legend series={series} reference={reference} bars={bars} />
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
        <tr key={`${label}-${i}`} className={rowClass}>
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

/** Gridlines with their labels, and the reference line, behind the marks. */
function ValueGrid({
  ticks,
  y,
  layout,
  format,
  reference,
}: {
  ticks: number[];
  y: (v: number) => number;
  layout: Layout;
  format: (v: number) => string;
  reference?: Reference;
}) {
  return (
    <g fontSize={FONT} className="chart-axis">
      {ticks.map((t) => (
        <g key={t}>
          <line
            x1={layout.left}
            x2={WIDTH - layout.right}
            y1={y(t)}
            y2={y(t)}
            className={t === 0 ? "chart-baseline" : "chart-grid"}
          />
          <text x={layout.left - 6} y={y(t)} dy="0.32em" textAnchor="end">
            {format(t)}
          </text>
        </g>
      ))}
      {reference ? (
        <g>
          <line
            x1={layout.left}
            x2={WIDTH - layout.right}
            y1={y(reference.value)}
            y2={y(reference.value)}
            style={{ stroke: TARGET_COLOUR }}
            strokeWidth={2}
            strokeDasharray="6 3"
          >
            <title>{`${reference.label}: ${format(reference.value)}`}</title>
          </line>
          <text
            x={WIDTH - layout.right - 4}
            y={y(reference.value) - 5}
            textAnchor="end"
            style={{ fill: TARGET_COLOUR }}
            className="chart-reference"
          >
            {reference.label}
          </text>
        </g>
      ) : null}
    </g>
  );
}

/** Category labels under the plot: as many as fit without overlapping, evenly spread. */
function CategoryLabels({
  labels,
  x,
  layout,
}: {
  labels: string[];
  x: (i: number) => number;
  layout: Layout;
}) {
  const widest = Math.max(0, ...labels.map((l) => textWidth(l)));
  const every = labelStride(labels.length, layout.plotW, widest);
  return (
    <g fontSize={FONT} className="chart-axis">
      {labels.map((label, i) =>
        i % every === 0 ? (
          <text key={`${label}-${i}`} x={x(i)} y={HEIGHT - 10} textAnchor="middle">
            {label}
          </text>
        ) : null,
      )}
    </g>
  );
}

/** Lines over time; gaps (null) break a line rather than drop it to zero. */
export function LineChart(props: ChartProps) {
  const { labels, series, format = defaultFormat, integer, reference } = props;
  const values = series.flatMap((s) => s.values);
  const probe = valueAxis(values, {
    bottom: 1,
    top: 0,
    integer,
    alsoShow: reference ? [reference.value] : [],
  });
  const layout = layoutFor(probe.ticks.map(format));
  const { y, ticks } = valueAxis(values, {
    bottom: layout.bottom,
    top: layout.top,
    integer,
    alsoShow: reference ? [reference.value] : [],
  });
  const x = (i: number) => layout.left + (layout.plotW * (i + 0.5)) / Math.max(1, labels.length);
  return (
    <ChartFrame {...props}>
      <ValueGrid ticks={ticks} y={y} layout={layout} format={format} reference={reference} />
      <CategoryLabels labels={labels} x={x} layout={layout} />
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
              <path
                key={d}
                d={d}
                fill="none"
                style={{ stroke: colour }}
                strokeWidth={2.5}
                strokeDasharray={SERIES_DASHES[si % SERIES_DASHES.length]}
              />
            ))}
            {s.values.map((v, i) =>
              v === null ? null : (
                <g key={i} className="chart-point">
                  {si % 2 === 0 ? (
                    <circle cx={x(i)} cy={y(v)} r={3} style={{ fill: colour }} />
                  ) : (
                    <rect x={x(i) - 3} y={y(v) - 3} width={6} height={6} style={{ fill: colour }} />
                  )}
                  {/* A wider, invisible target carries the exact value as a tooltip. */}
                  <circle cx={x(i)} cy={y(v)} r={9} fill="transparent">
                    <title>{`${labels[i]} · ${s.name}: ${format(v)}`}</title>
                  </circle>
                </g>
              ),
            )}
          </g>
        );
      })}
    </ChartFrame>
  );
}

/**
 * Bars per label. Several series are stacked when they add up to a whole (seconds per provider),
 * and side by side (`grouped`) when they do not (money earned and money paid). `horizontal` lays
 * long category names out as rows, where they can be read whole.
 */
export function BarChart({
  grouped = false,
  horizontal = false,
  ...props
}: ChartProps & { grouped?: boolean; horizontal?: boolean }) {
  if (horizontal) return <HorizontalBars {...props} />;
  const { labels, series, format = defaultFormat, integer, reference } = props;
  const totals = labels.flatMap((_, i) =>
    grouped
      ? series.map((s) => s.values[i] ?? 0)
      : [series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0)],
  );
  const extra = reference ? [reference.value] : [];
  const probe = valueAxis(totals, { bottom: 1, top: 0, integer, alsoShow: extra });
  const layout = layoutFor(probe.ticks.map(format));
  const { y, ticks } = valueAxis(totals, {
    bottom: layout.bottom,
    top: layout.top,
    integer,
    alsoShow: extra,
  });
  const slot = layout.plotW / Math.max(1, labels.length);
  const barW = Math.max(2, slot * 0.72);
  const x = (i: number) => layout.left + slot * (i + 0.5);
  return (
    <ChartFrame {...props} reference={reference} bars>
      <ValueGrid ticks={ticks} y={y} layout={layout} format={format} reference={reference} />
      <CategoryLabels labels={labels} x={x} layout={layout} />
      {labels.map((label, i) => {
        let base = 0;
        return (
          <g key={`${label}-${i}`}>
            {series.map((s, si) => {
              const v = s.values[i] ?? 0;
              const from = grouped ? 0 : base;
              const to = from + v;
              if (!grouped) base += v;
              const width = grouped ? barW / series.length : barW;
              const left = layout.left + slot * i + (slot - barW) / 2 + (grouped ? width * si : 0);
              return v !== 0 ? (
                <rect
                  key={s.name}
                  x={left}
                  y={Math.min(y(from), y(to))}
                  width={Math.max(1, width - (grouped ? 1 : 0))}
                  height={Math.abs(y(from) - y(to))}
                  style={{ fill: SERIES_COLOURS[si % SERIES_COLOURS.length] }}
                >
                  <title>{`${label} · ${s.name}: ${format(v)}`}</title>
                </rect>
              ) : null;
            })}
          </g>
        );
      })}
    </ChartFrame>
  );
}

/** One row per category, its name whole on the left of the bar and its value at the end. */
function HorizontalBars(props: ChartProps) {
  const { labels, series, format = defaultFormat, integer } = props;
  const values = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const rowH = 26;
  const height = Math.max(60, labels.length * rowH + 24);
  const labelW = Math.min(260, Math.max(...labels.map((l) => textWidth(l)), 40) + 12);
  const valueW = Math.max(...values.map((v) => textWidth(format(v))), 20) + 10;
  const left = labelW;
  const right = WIDTH - valueW;
  const axis = valueAxis(values, { bottom: left, top: right, integer });
  const maxChars = Math.floor((labelW - 12) / (FONT * 0.6));
  return (
    <ChartFrame {...props} height={height}>
      <g fontSize={FONT} className="chart-axis">
        {axis.ticks.map((t) => (
          <line
            key={t}
            x1={axis.y(t)}
            x2={axis.y(t)}
            y1={4}
            y2={height - 20}
            className={t === 0 ? "chart-baseline" : "chart-grid"}
          />
        ))}
        {axis.ticks.map((t) => (
          <text key={`t${t}`} x={axis.y(t)} y={height - 6} textAnchor="middle">
            {format(t)}
          </text>
        ))}
      </g>
      {labels.map((label, i) => {
        const top = 6 + i * rowH;
        const v = values[i]!;
        const shown = label.length > maxChars ? `${label.slice(0, maxChars - 1)}…` : label;
        return (
          <g key={`${label}-${i}`} fontSize={FONT}>
            <text
              x={labelW - 8}
              y={top + rowH / 2 - 2}
              dy="0.32em"
              textAnchor="end"
              className="chart-label"
            >
              {shown}
              <title>{label}</title>
            </text>
            <rect
              x={axis.y(0)}
              y={top}
              width={Math.max(0, axis.y(v) - axis.y(0))}
              height={rowH - 8}
              style={{ fill: SERIES_COLOURS[0] }}
            >
              <title>{`${label}: ${format(v)}`}</title>
            </rect>
            <text x={axis.y(v) + 4} y={top + rowH / 2 - 2} dy="0.32em" className="chart-label">
              {format(v)}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}
