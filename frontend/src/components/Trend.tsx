/** Score movement: a trend arrow, a 30-day sparkline (inline SVG) and a one-line summary. */
import { formatScore } from '../lib/format';

export interface TrendInfo {
  change7d?: number | null;
  crossedAt?: string | null;
  crossedFrom?: string | null;
  crossedTo?: string | null;
  /** When the model in force was applied, if within the span the trend covers. */
  modelChangedAt?: string | null;
}

const WIDTH = 80;
const HEIGHT = 20;
const FLAT = 1;

function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

function signed(change: number): string {
  const rounded = Math.round(change);
  return rounded > 0 ? `+${rounded}` : `${rounded}`;
}

/** "+12 since last week; crossed into hot on Nov 3" (parts left out when unknown). */
export function trendSentence(trend: TrendInfo | null | undefined): string {
  if (!trend) return 'No history yet';
  const parts: string[] = [];
  if (trend.change7d !== null && trend.change7d !== undefined) parts.push(`${signed(trend.change7d)} since last week`);
  if (trend.crossedAt && trend.crossedTo) {
    parts.push(`crossed into ${trend.crossedTo.toLowerCase()} on ${formatDay(trend.crossedAt)}`);
  }
  if (!parts.length) return 'No change recorded yet';
  const sentence = parts.join('; ');
  // the change (or the tier) may be the model's doing, not the buyer's
  return trend.modelChangedAt ? `${sentence} (includes the model change of ${formatDay(trend.modelChangedAt)})` : sentence;
}

export function TrendArrow({ trend }: { trend: TrendInfo | null | undefined }) {
  const change = trend?.change7d;
  if (change === null || change === undefined) return null;
  const [glyph, color, word] =
    change > FLAT ? ['▲', 'text-green-700', 'up'] : change < -FLAT ? ['▼', 'text-red-700', 'down'] : ['▶', 'text-slate-600', 'flat'];
  // across a model change the arrow is grey: it is not (only) the buyer's momentum
  const cls = trend?.modelChangedAt ? 'text-slate-500' : color;
  return (
    <span className={`text-xs ${cls}`} title={trendSentence(trend)} data-testid="trend-arrow">
      <span aria-hidden="true">{glyph}</span>
      <span className="sr-only">{`Trend ${word}: ${trendSentence(trend)}`}</span>
    </span>
  );
}

/**
 * The daily scores (the API's `sparkline`, oldest first) and the score now as a line; the
 * text alternative names first and last. Plain numbers, not history points: 50 rows of
 * 30 objects each were only ever reduced to their day scores here.
 */
export function Sparkline({ scores, score }: { scores: readonly number[]; score: number }) {
  const values = [...scores, score];
  if (values.length < 2) return null;
  const step = WIDTH / (values.length - 1);
  const path = values.map((v, i) => `${(i * step).toFixed(1)},${(HEIGHT - (v / 100) * HEIGHT).toFixed(1)}`).join(' ');
  const label = `Score over the last ${values.length - 1} days: from ${formatScore(values[0] ?? 0)} to ${formatScore(score)}`;
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
      <polyline points={path} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
