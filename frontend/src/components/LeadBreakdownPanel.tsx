import { useId, useLayoutEffect, useRef, type KeyboardEvent } from 'react';
import { useLeadDetail } from '../api/hooks';
import { describeError } from '../api/client';
import type { LeadDetailQuery } from '../gql/graphql';
import {
  formatCount,
  formatDecay,
  formatDuration,
  formatExactDate,
  formatPercent,
  formatPoints,
  formatRelative,
  formatScore,
  parseDate,
} from '../lib/format';
import { ScoreBadge } from './ScoreBadge';
import { Sparkline, TrendArrow, trendSentence } from './Trend';
import { LeadContact } from './LeadContact';

type Lead = NonNullable<LeadDetailQuery['lead']>;
type Config = LeadDetailQuery['scoringConfig'];
type FactorKey = 'emailOpens' | 'websiteVisits' | 'timeSpent';

const FACTORS: { key: FactorKey; label: string; color: string; swatch: string }[] = [
  { key: 'emailOpens', label: 'Email opens', color: 'bg-indigo-600', swatch: 'bg-indigo-600' },
  { key: 'websiteVisits', label: 'Website visits', color: 'bg-teal-700', swatch: 'bg-teal-700' },
  { key: 'timeSpent', label: 'Time spent', color: 'bg-orange-700', swatch: 'bg-orange-700' },
];

const MS_PER_DAY = 86_400_000;

function rawDisplay(key: FactorKey, value: number): string {
  return key === 'timeSpent' ? `${formatDuration(value)} (${formatCount(value)} s)` : formatCount(value);
}

function FOCUSABLE(root: HTMLElement): HTMLElement[] {
  return Array.from(
    root.querySelectorAll<HTMLElement>(
      'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])',
    ),
  );
}

export interface LeadBreakdownPanelProps {
  leadId: string;
  onClose: () => void;
}

/**
 * Explainability side panel (modal dialog): the score as the sum of its three
 * contributions times the recency decay, the raw counts against their caps, and
 * when the score was computed.
 */
export function LeadBreakdownPanel({ leadId, onClose }: LeadBreakdownPanelProps) {
  const titleId = useId();
  const descId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const { data, error, isLoading, mutate } = useLeadDetail(leadId);

  useLayoutEffect(() => {
    closeRef.current?.focus();
  }, [leadId]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key === 'Tab' && dialogRef.current) {
      const items = FOCUSABLE(dialogRef.current);
      if (items.length === 0) return;
      const first = items[0]!;
      const last = items[items.length - 1]!;
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  }

  const lead = data?.lead ?? null;

  return (
    <div className="fixed inset-0 z-40 flex justify-end" onKeyDown={onKeyDown}>
      <div className="absolute inset-0 bg-slate-900/40" aria-hidden="true" onClick={onClose} />
      <div
        ref={dialogRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={descId}
        className="relative flex h-full w-full max-w-lg flex-col overflow-y-auto bg-white shadow-xl"
        data-testid="lead-breakdown"
      >
        <div className="sticky top-0 z-10 flex items-start justify-between gap-3 border-b border-slate-200 bg-white px-5 py-4">
          <div className="min-w-0">
            <h2 id={titleId} className="text-lg font-semibold text-slate-900 wrap-anywhere">
              {lead ? lead.name : 'Score breakdown'}
            </h2>
            <p id={descId} className="text-sm text-slate-600">
              Why this lead has its score
            </p>
          </div>
          <button
            ref={closeRef}
            type="button"
            onClick={onClose}
            className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
          >
            Close<span className="sr-only"> score breakdown</span>
          </button>
        </div>

        <div className="flex-1 space-y-6 px-5 py-5">
          {isLoading && !data && (
            <p role="status" className="text-sm text-slate-600">
              Loading breakdown…
            </p>
          )}
          {error && !data && (
            <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
              <p>{describeError(error)}</p>
              <button
                type="button"
                onClick={() => void mutate()}
                className="mt-2 rounded-md border border-red-300 bg-white px-3 py-1 font-medium text-red-800 hover:bg-red-100"
              >
                Retry
              </button>
            </div>
          )}
          {data && !lead && <p className="text-sm text-slate-700">This lead no longer exists.</p>}
          {data && lead && <BreakdownBody lead={lead} config={data.scoringConfig} />}
        </div>
      </div>
    </div>
  );
}

function BreakdownBody({ lead, config }: { lead: Lead; config: Config }) {
  const b = lead.breakdown;
  const contributions = FACTORS.map((f) => ({ ...f, points: Math.max(0, b[f.key]) }));
  const sum = contributions.reduce((acc, c) => acc + c.points, 0);
  const scale = Math.max(100, sum);
  // The score counts at most 100 points before decay (weights may sum to more than 1).
  const capped = Math.round(sum * 100) / 100 > 100;
  const product = Math.min(sum, 100) * b.decayFactor;

  const computedAt = parseDate(lead.computedAt);
  const lastActivity = parseDate(lead.lastActivityAt);
  const daysAtCompute =
    computedAt && lastActivity ? Math.max(0, (computedAt.getTime() - lastActivity.getTime()) / MS_PER_DAY) : null;
  const daysNow = lastActivity ? Math.max(0, (Date.now() - lastActivity.getTime()) / MS_PER_DAY) : null;

  const barLabel =
    'Contributions before decay: ' +
    contributions.map((c) => `${c.label} ${formatPoints(c.points)} points`).join(', ') +
    `; total ${formatPoints(sum)} points`;

  return (
    <>
      <LeadContact lead={lead} />
      <section aria-labelledby="bd-score">
        <div className="flex flex-wrap items-center gap-3">
          <h3 id="bd-score" className="text-sm font-semibold text-slate-800">
            Score
          </h3>
          <ScoreBadge score={lead.score} priority={lead.priority} />
          {lead.stale && (
            <span className="rounded bg-yellow-100 px-1.5 py-0.5 text-xs font-medium text-yellow-900">stale</span>
          )}
          {!lead.hasActivity && (
            <span className="rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-800">no data</span>
          )}
        </div>
        <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-700" data-testid="trend">
          <TrendArrow trend={lead.trend} />
          <span>{trendSentence(lead.trend)}</span>
          <Sparkline scores={lead.sparkline} score={lead.score} modelChangedAt={lead.trend.modelChangedAt} endAt={lead.computedAt} />
        </div>

        <div
          role="img"
          aria-label={barLabel}
          className="mt-3 flex h-7 w-full overflow-hidden rounded-md bg-slate-100 ring-1 ring-inset ring-slate-200"
          data-testid="contribution-bar"
        >
          {contributions.map((c) =>
            c.points > 0 ? (
              <div
                key={c.key}
                className={`${c.color} flex items-center justify-center overflow-hidden text-xs font-semibold text-white`}
                style={{ width: `${(c.points / scale) * 100}%` }}
                title={`${c.label}: ${formatPoints(c.points)} points`}
              >
                {c.points / scale > 0.12 ? formatPoints(c.points) : ''}
              </div>
            ) : null,
          )}
        </div>

        <ul className="mt-3 space-y-1 text-sm" aria-label="Contributions">
          {contributions.map((c) => (
            <li key={c.key} className="flex items-center justify-between gap-2" data-factor={c.key}>
              <span className="inline-flex items-center gap-2">
                <span aria-hidden="true" className={`inline-block h-3 w-3 rounded-sm ${c.swatch}`} />
                {c.label}
              </span>
              <span className="tabular-nums font-medium">{formatPoints(c.points)} pts</span>
            </li>
          ))}
          <li className="flex items-center justify-between gap-2 border-t border-slate-200 pt-1 font-semibold">
            <span>Sum of contributions</span>
            <span className="tabular-nums">{formatPoints(sum)} pts</span>
          </li>
        </ul>

        <p className="mt-3 rounded-md bg-slate-50 p-3 text-sm text-slate-800" data-testid="score-equation">
          <span className="tabular-nums">{formatPoints(sum)}</span> pts
          {capped && (
            <>
              , capped at <span className="tabular-nums">100</span>
            </>
          )}{' '}
          × decay <span className="tabular-nums">{formatDecay(b.decayFactor)}</span> ={' '}
          {/* Cut, not rounded (as the score): 69.996 must not read as 70, the hot threshold. */}
          <span className="tabular-nums">{formatPoints(Math.trunc(product * 100 + 1e-9) / 100)}</span> ≈ score{' '}
          <strong className="tabular-nums" title={`Exactly ${lead.score}; shown cut to one decimal`}>
            {formatScore(lead.score)}
          </strong>
          <span className="mt-1 block text-xs text-slate-600">
            {lastActivity
              ? 'Score ≈ (sum of contributions, at most 100) × decay factor.'
              : 'No last-activity date is recorded, so the decay factor is 0 and the score is 0.'}
          </span>
        </p>
      </section>

      <section aria-labelledby="bd-decay">
        <h3 id="bd-decay" className="text-sm font-semibold text-slate-800">
          Recency decay
        </h3>
        <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-600">Decay factor</dt>
          <dd className="tabular-nums" data-testid="decay-factor">
            {formatDecay(b.decayFactor)} ({formatPercent(b.decayFactor)} kept)
          </dd>
          <dt className="text-slate-600">Days since last activity</dt>
          <dd className="tabular-nums" data-testid="days-since">
            {daysAtCompute !== null ? (
              <>
                {daysAtCompute.toFixed(1)} days when computed
                {daysNow !== null && Math.abs(daysNow - daysAtCompute) >= 0.1 && (
                  <span className="text-slate-600"> ({daysNow.toFixed(1)} now)</span>
                )}
              </>
            ) : (
              'No last-activity date recorded'
            )}
          </dd>
          <dt className="text-slate-600">Half-life</dt>
          <dd className="tabular-nums">{formatPoints(config.halfLifeDays)} days</dd>
          <dt className="text-slate-600">Formula</dt>
          <dd className="tabular-nums">
            0.5<sup>days / {formatPoints(config.halfLifeDays)}</sup>
          </dd>
          <dt className="text-slate-600">Last activity</dt>
          <dd>
            {lastActivity ? (
              <time dateTime={lastActivity.toISOString()} title={formatExactDate(lastActivity)}>
                {formatRelative(lastActivity)}
              </time>
            ) : (
              '—'
            )}
          </dd>
        </dl>
      </section>

      <section aria-labelledby="bd-raw">
        <h3 id="bd-raw" className="text-sm font-semibold text-slate-800">
          Raw activity vs caps
        </h3>
        <p className="mt-1 text-xs text-slate-600">
          Each count is capped, scaled to 0–1 and multiplied by its weight × 100.
        </p>
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-sm" aria-labelledby="bd-raw" data-testid="raw-vs-caps">
            <thead>
              <tr className="text-left text-xs uppercase tracking-wide text-slate-600">
                <th scope="col" className="py-1 pr-2 font-semibold">
                  Factor
                </th>
                <th scope="col" className="py-1 pr-2 text-right font-semibold">
                  Raw
                </th>
                <th scope="col" className="py-1 pr-2 text-right font-semibold">
                  Cap
                </th>
                <th scope="col" className="py-1 pr-2 text-right font-semibold">
                  Weight
                </th>
                <th scope="col" className="py-1 text-right font-semibold">
                  Points
                </th>
              </tr>
            </thead>
            <tbody>
              {contributions.map((c) => {
                const raw = lead.raw ? lead.raw[c.key] : null;
                const cap = config.caps[c.key];
                const ratio = raw !== null && cap > 0 ? Math.min(Math.max(raw, 0), cap) / cap : 0;
                return (
                  <tr key={c.key} className="border-t border-slate-100 align-top" data-factor={c.key}>
                    <th scope="row" className="py-1.5 pr-2 text-left font-medium">
                      {c.label}
                      <div className="mt-1 h-1.5 w-24 rounded bg-slate-200" aria-hidden="true">
                        <div className={`h-1.5 rounded ${c.color}`} style={{ width: `${ratio * 100}%` }} />
                      </div>
                    </th>
                    <td className="py-1.5 pr-2 text-right tabular-nums">
                      {raw === null ? '—' : rawDisplay(c.key, raw)}
                    </td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">{rawDisplay(c.key, cap)}</td>
                    <td className="py-1.5 pr-2 text-right tabular-nums">{formatPoints(config.weights[c.key])}</td>
                    <td className="py-1.5 text-right tabular-nums">{formatPoints(c.points)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="bd-computed" className="text-sm text-slate-700">
        <h3 id="bd-computed" className="text-sm font-semibold text-slate-800">
          Computed
        </h3>
        <p className="mt-1">
          {computedAt ? (
            <time dateTime={computedAt.toISOString()} title={formatExactDate(computedAt)}>
              {formatRelative(computedAt)} — {formatExactDate(computedAt)}
            </time>
          ) : (
            '—'
          )}
          <span className="block text-xs text-slate-600">Scoring config version {config.version}</span>
          {lead.stale && (
            <span className="block text-xs text-yellow-900">
              This score is stale: it is being recomputed in the background.
            </span>
          )}
        </p>
      </section>
    </>
  );
}
