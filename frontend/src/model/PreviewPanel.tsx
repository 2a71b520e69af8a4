import { useId } from 'react';
import { describeError } from '../api/client';
import type { Priority } from '../gql/graphql';
import { formatCount, formatPoints } from '../lib/format';
import { BacktestComparison, DataTable, tierLabel } from './ReportTables';
import type { PreviewState } from './usePreview';

const TIERS: Priority[] = ['HOT', 'WARM', 'COLD'];

type Counts = { priority: Priority; count: number }[];

function countOf(counts: Counts, tier: Priority): number {
  return counts.find((c) => c.priority === tier)?.count ?? 0;
}

function signed(n: number): string {
  return n > 0 ? `+${formatCount(n)}` : n < 0 ? `−${formatCount(-n)}` : '0';
}

export interface PreviewPanelProps {
  preview: PreviewState;
  /** Why there is nothing to preview (unchanged or invalid draft), or null. */
  idle: string | null;
}

/** The proposed model's effect: tiers and bands before/after, the leads that move, the backtest. */
export function PreviewPanel({ preview, idle }: PreviewPanelProps) {
  const id = useId();
  const data = idle ? null : preview.data;
  const status = idle ?? (preview.loading ? 'Updating the preview…' : preview.error ? '' : data ? 'Preview up to date.' : '');
  return (
    <section
      aria-labelledby={`${id}-title`}
      aria-busy={preview.loading && !idle ? true : undefined}
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="preview"
      data-state={idle ? 'idle' : preview.loading ? 'loading' : preview.error ? 'error' : data ? 'ready' : 'idle'}
    >
      <h3 id={`${id}-title`} className="text-base font-semibold text-slate-900">
        Preview (nothing changes until you apply)
      </h3>
      <p role="status" className="text-sm text-slate-600">
        {status}
      </p>
      {!idle && preview.error != null && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          Preview unavailable: {describeError(preview.error)}
        </p>
      )}
      {data && (
        <div className={`space-y-5 ${preview.loading ? 'opacity-60' : ''}`}>
          <div className="grid gap-4 lg:grid-cols-2">
            <DataTable
              caption={`Leads per tier (${formatCount(data.total)} leads, scored now)`}
              head={['Tier', 'In force', 'Proposed', 'Change']}
              testId="preview-tiers"
              rows={TIERS.map((tier) => {
                const before = countOf(data.before.priorities, tier);
                const after = countOf(data.priorities, tier);
                return [tierLabel(tier), formatCount(before), formatCount(after), signed(after - before)];
              })}
            />
            <BandBars before={data.before.bands} after={data.bands} />
          </div>
          <TierChanges changes={data.tierChanges} total={data.tierChangesTotal} />
          <BacktestComparison
            current={data.backtest.current}
            proposed={data.backtest.proposed}
            tierChangesTotal={data.backtest.tierChangesTotal}
          />
        </div>
      )}
    </section>
  );
}

type Band = { min: number; max: number; count: number };

function BandBars({ before, after }: { before: Band[]; after: Band[] }) {
  const max = Math.max(1, ...before.map((b) => b.count), ...after.map((b) => b.count));
  return (
    <DataTable
      caption="Leads per score band"
      head={['Band', 'In force', 'Proposed']}
      testId="preview-bands"
      rows={before.map((band, i) => {
        const next = after[i]?.count ?? 0;
        return [
          `${band.min}–${band.max}`,
          <Bar key="b" count={band.count} max={max} tone="bg-slate-400" />,
          <Bar key="a" count={next} max={max} tone="bg-blue-600" />,
        ];
      })}
    />
  );
}

function Bar({ count, max, tone }: { count: number; max: number; tone: string }) {
  return (
    <span className="inline-flex items-center justify-end gap-2">
      <span aria-hidden="true" className="hidden h-2 w-16 rounded bg-slate-100 sm:inline-block">
        <span className={`block h-2 rounded ${tone}`} style={{ width: `${(count / max) * 100}%` }} />
      </span>
      <span className="w-8 text-right">{formatCount(count)}</span>
    </span>
  );
}

type Change = { leadId: string; leadName: string; fromTier: string; toTier: string; scoreBefore: number; scoreAfter: number };

function TierChanges({ changes, total }: { changes: Change[]; total: number }) {
  const id = useId();
  return (
    <div className="space-y-2">
      <h4 id={id} className="text-sm font-semibold text-slate-800" data-testid="tier-changes-total">
        {total === 0 ? 'No lead changes tier' : `${formatCount(total)} ${total === 1 ? 'lead changes' : 'leads change'} tier`}
        {total > changes.length ? ` (largest ${changes.length} shown)` : ''}
      </h4>
      {changes.length > 0 && (
        <ul aria-labelledby={id} tabIndex={0} className="max-h-64 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200 text-sm">
          {changes.map((c) => (
            <li key={c.leadId} className="flex flex-wrap justify-between gap-x-3 px-3 py-1.5" data-testid="tier-change">
              <span className="min-w-0 wrap-anywhere">
                <span className="font-medium text-slate-900">{c.leadName}</span>
                {/* The id is secondary (the server sends the id as the name when there is none). */}
                {c.leadName !== c.leadId && (
                  <span className="ml-2 font-mono text-xs text-slate-600 break-all">{c.leadId}</span>
                )}
              </span>
              <span className="text-slate-800">
                {tierLabel(c.fromTier)} → {tierLabel(c.toTier)}{' '}
                <span className="tabular-nums text-slate-600">
                  ({formatPoints(c.scoreBefore)} → {formatPoints(c.scoreAfter)})
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
