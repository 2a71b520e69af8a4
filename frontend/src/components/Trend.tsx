/** Score movement: a trend arrow, a 30-day sparkline (inline SVG) and a one-line summary. */
import { formatScore } from '../lib/format';

export interface TrendInfo {
  change7d?: number | null;
  crossedAt?: string | null;
  crossedFrom?: string | null;
  crossedTo?: string | null;
  /** When the model in force was applied, if within the span the trend covers. */
  modelChangedAt?: string | null;
  /** The part of change7d the model change made (null: no model change in the span, or not known). */
  modelShare7d?: number | null;
}

const WIDTH = 80;
const HEIGHT = 20;
const FLAT = 1;
const DAY_MS = 86_400_000;

function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

function signed(change: number): string {
  const rounded = Math.round(change);
  return rounded > 0 ? `+${rounded}` : `${rounded}`;
}

function _known(value: number | null | undefined): value is number {
  return value !== null && value !== undefined;
}

function _modelChange(trend: TrendInfo): string {
  return trend.modelChangedAt ? `the model change of ${formatDay(trend.modelChangedAt)}` : 'a model change';
}

/** The buyer's part of the change: change7d less the model's share when that is known. */
export function buyerChange(trend: TrendInfo | null | undefined): number | null {
  if (!trend || !_known(trend.change7d)) return null;
  return _known(trend.modelShare7d) ? trend.change7d - trend.modelShare7d : trend.change7d;
}

/**
 * "+35 since last week, of which +34 from the model change of Nov 30; crossed into hot on Nov 30"
 * (parts left out when unknown).
 */
export function trendSentence(trend: TrendInfo | null | undefined): string {
  if (!trend) return 'No history yet';
  const parts: string[] = [];
  const share = trend.modelShare7d;
  if (_known(trend.change7d)) {
    const ofWhich = _known(share) ? `, of which ${signed(share)} from ${_modelChange(trend)}` : '';
    parts.push(`${signed(trend.change7d)} since last week${ofWhich}`);
  }
  if (trend.crossedAt && trend.crossedTo) {
    parts.push(`crossed into ${trend.crossedTo.toLowerCase()} on ${formatDay(trend.crossedAt)}`);
  }
  if (!parts.length) return 'No change recorded yet';
  const sentence = parts.join('; ');
  // the model's share unknown: the change (or the tier) may be the model's doing, not the buyer's
  const spansModel = trend.modelChangedAt && !(_known(share) && _known(trend.change7d));
  return spansModel ? `${sentence} (includes ${_modelChange(trend)})` : sentence;
}

/** The short visible words beside the arrow in a row: "+35 · model +34", or "model change". */
export function trendShortText(trend: TrendInfo | null | undefined): string | null {
  if (!trend || !_known(trend.change7d)) return null;
  if (_known(trend.modelShare7d)) return `${signed(trend.change7d)} · model ${signed(trend.modelShare7d)}`;
  return trend.modelChangedAt ? 'model change' : null;
}

/**
 * An arrow for the buyer's momentum (the model's share left out when known, flat within ±1) with
 * a complete text alternative; `withText` adds the short visible words (for table rows).
 */
export function TrendArrow({ trend, withText = false }: { trend: TrendInfo | null | undefined; withText?: boolean }) {
  const change = buyerChange(trend);
  if (!trend || change === null) return null;
  const [glyph, color, word] =
    change > FLAT ? ['▲', 'text-green-700', 'up'] : change < -FLAT ? ['▼', 'text-red-700', 'down'] : ['▶', 'text-slate-600', 'flat'];
  const shareKnown = _known(trend.modelShare7d);
  // the model's share unknown: the arrow is grey, it is not (only) the buyer's momentum
  const cls = trend.modelChangedAt && !shareKnown ? 'text-slate-500' : color;
  const sentence = trendSentence(trend);
  const label = shareKnown ? `Trend ${word} without the model change: ${sentence}` : `Trend ${word}: ${sentence}`;
  const short = withText ? trendShortText(trend) : null;
  return (
    <span className={`inline-flex items-center gap-1 text-xs ${cls}`} title={sentence} data-testid="trend-arrow">
      <span aria-hidden="true">{glyph}</span>
      {short && (
        <span aria-hidden="true" className="rounded bg-slate-100 px-1 text-slate-700" data-testid="trend-short">
          {short}
        </span>
      )}
      <span className="sr-only">{label}</span>
    </span>
  );
}

/**
 * Where a model change falls on a sparkline of `days` daily points and the score now, as a
 * fraction of its width (0 the oldest point, 1 now), or null when outside the span. The points
 * carry no moments: they are a day apart, the last a day before `endAt` (the score's moment).
 */
export function modelChangePosition(modelChangedAt: string | null | undefined, endAt: string | null | undefined, days: number): number | null {
  if (!modelChangedAt || !endAt || days < 1) return null;
  const ageDays = (Date.parse(endAt) - Date.parse(modelChangedAt)) / DAY_MS;
  if (!Number.isFinite(ageDays) || ageDays < 0 || ageDays > days) return null;
  return 1 - ageDays / days;
}

/**
 * The daily scores (the API's `sparkline`, oldest first) and the score now (at `endAt`) as a
 * line; the text alternative names first and last. A model change in the span (`modelChangedAt`)
 * is a dashed vertical tick, named in the text alternative too: its jump is the model's. Plain
 * numbers, not history points: 50 rows of 30 objects each were only ever reduced to their day
 * scores here.
 */
export function Sparkline({
  scores,
  score,
  modelChangedAt,
  endAt,
}: {
  scores: readonly number[];
  score: number;
  modelChangedAt?: string | null;
  endAt?: string | null;
}) {
  const values = [...scores, score];
  if (values.length < 2) return null;
  const days = values.length - 1;
  const step = WIDTH / days;
  const path = values.map((v, i) => `${(i * step).toFixed(1)},${(HEIGHT - (v / 100) * HEIGHT).toFixed(1)}`).join(' ');
  const at = modelChangePosition(modelChangedAt, endAt, days);
  // Inside the box, so a tick at either end stays whole.
  const x = at === null ? null : Math.min(WIDTH - 1, Math.max(1, at * WIDTH)).toFixed(1);
  const label =
    `Score over the last ${days} days: from ${formatScore(values[0] ?? 0)} to ${formatScore(score)}` +
    (x !== null && modelChangedAt ? `; model changed ${formatDay(modelChangedAt)}` : '');
  return (
    <svg
      role="img"
      aria-label={label}
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      className="text-blue-700"
      data-testid="sparkline"
    >
      <title>{label}</title>
      {x !== null && (
        <line
          x1={x}
          x2={x}
          y1={0}
          y2={HEIGHT}
          stroke="currentColor"
          strokeWidth="1.5"
          strokeDasharray="3 2"
          className="text-slate-500"
          data-testid="sparkline-model-change"
        />
      )}
      <polyline points={path} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
