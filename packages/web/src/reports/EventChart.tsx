import type { EventReport } from '@reprise/protocol';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Series colours, in order; they repeat after the last. */
const palette = ['#4f46e5', '#0891b2', '#ea580c', '#16a34a', '#db2777', '#9333ea', '#ca8a04'];
const chartHeight = 320;
const unitLabels = { hour: 'Hour', day: 'Day', week: 'Week of' } as const;

/** Returns the legend label of a series: the event, and its breakdown value when there is one. */
export function seriesLabel(series: EventReport['series'][number]): string {
  if (series.isOther) return `${series.event}: other`;
  if (series.value === undefined) return series.event;
  return `${series.event}: ${series.value ?? '(not set)'}`;
}

interface EventChartProps {
  report: EventReport;
  /** Called with the bucket and series indexes of a clicked point. */
  onPointClick(bucket: number, series: number): void;
}

/**
 * Draws the report as a line chart with uPlot, times in the report's time zone. A click picks
 * the bucket under the pointer and the series whose point is nearest to it vertically.
 */
export function EventChart({ report, onPointClick }: EventChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const clickRef = useRef(onPointClick);
  clickRef.current = onPointClick;

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    const data: uPlot.AlignedData = [
      report.buckets.map((bucket) => bucket.start / 1000),
      ...report.series.map((series) => series.values),
    ];
    const chart = new uPlot(chartOptions(report, container.clientWidth), data, container);
    chart.over.addEventListener('click', () => {
      const bucket = chart.cursor.idx;
      if (bucket === null || bucket === undefined) return;
      clickRef.current(bucket, nearestSeries(chart, bucket));
    });
    const observer = new ResizeObserver(() => {
      chart.setSize({ width: container.clientWidth, height: chartHeight });
    });
    observer.observe(container);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [report]);

  return <div className="event-chart" ref={containerRef} data-testid="event-chart" />;
}

function chartOptions(report: EventReport, width: number): uPlot.Options {
  const timeZone = report.timeZone;
  return {
    width,
    height: chartHeight,
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), timeZone),
    cursor: { focus: { prox: 24 }, points: { size: 9 } },
    scales: {
      // Half a bucket of room at each end, so the first and last points sit inside the plot,
      // where they can be clicked, not on its edge.
      x: {
        time: true,
        range: (_chart, min, max) => [min - bucketPadding(report), max + bucketPadding(report)],
      },
      y: { range: (_chart, _min, max) => [0, Math.max(1, max * 1.1)] },
    },
    axes: [
      bucketAxis(report),
      { values: (_chart, ticks) => ticks.map((tick) => formatCount(tick)) },
    ],
    series: [
      { label: unitLabels[report.unit], value: (_chart, seconds) => labelAt(report, seconds) },
      ...report.series.map((series, index) => ({
        label: seriesLabel(series),
        stroke: palette[index % palette.length],
        width: 2,
        points: { show: true, size: 6 },
      })),
    ],
  };
}

/** Returns half the length of the report's first bucket, in seconds, or an hour for one bucket. */
function bucketPadding(report: EventReport): number {
  const [first, second] = report.buckets;
  if (!first || !second) return 3600;
  return (second.start - first.start) / 2000;
}

/** Returns the label of the bucket that starts at `seconds`, for the legend. */
function labelAt(report: EventReport, seconds: number | null): string {
  if (seconds === null) return '';
  return report.buckets.find((bucket) => bucket.start === seconds * 1000)?.label ?? '';
}

/** Most bucket labels on the x axis; with more buckets, every n-th is labelled. */
const maxAxisLabels = 12;

/**
 * Labels days and weeks with the report's own bucket labels, one tick per bucket (or per few
 * buckets), because uPlot's time ticks fall between them. Hours keep uPlot's time axis.
 */
function bucketAxis(report: EventReport): uPlot.Axis {
  if (report.unit === 'hour') return {};
  const step = Math.ceil(report.buckets.length / maxAxisLabels);
  const shown = report.buckets.filter((_, index) => index % step === 0);
  const labels = new Map(shown.map((bucket) => [bucket.start / 1000, bucket.label.slice(5)]));
  return {
    splits: () => [...labels.keys()],
    values: (_chart, splits) => splits.map((split) => labels.get(split) ?? ''),
  };
}

/** Returns the series (1-based, as uPlot counts) whose value at `bucket` is nearest the pointer. */
function nearestSeries(chart: uPlot, bucket: number): number {
  const pointerTop = chart.cursor.top ?? 0;
  let best = 1;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (let index = 1; index < chart.data.length; index++) {
    const value = chart.data[index]![bucket];
    if (value === null || value === undefined) continue;
    const distance = Math.abs(chart.valToPos(value, 'y') - pointerTop);
    if (distance < bestDistance) {
      best = index;
      bestDistance = distance;
    }
  }
  return best;
}

const countFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

function formatCount(value: number): string {
  return Number.isInteger(value) ? countFormat.format(value) : '';
}
