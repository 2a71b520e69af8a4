import type { ReactNode } from 'react';
import { formatCount, formatPercent } from '../lib/format';

export interface RateRow {
  label: string;
  count: number;
  conversions: number;
  rate?: number | null;
  intervalLow?: number | null;
  intervalHigh?: number | null;
}

export interface ReportLike {
  leads: number;
  conversions: number;
  excluded: number;
  overallRate?: number | null;
  auc?: number | null;
  topDecileLift?: number | null;
  trustworthy: boolean;
  verdict: string;
  tiers: RateRow[];
  bands: RateRow[];
}

/** "0.78", or "—" when the metric cannot be computed. */
export function formatAuc(auc: number | null | undefined): string {
  return auc == null ? '—' : auc.toFixed(2);
}

/** "2.4×", or "—". */
export function formatLift(lift: number | null | undefined): string {
  return lift == null ? '—' : `${lift.toFixed(1)}×`;
}

/** "32 % (25–40 %)", "—" without closed leads. */
export function formatRate(row: RateRow): string {
  if (row.rate == null) return '—';
  const interval =
    row.intervalLow != null && row.intervalHigh != null
      ? ` (${formatPercent(row.intervalLow)}–${formatPercent(row.intervalHigh)})`
      : '';
  return `${formatPercent(row.rate)}${interval}`;
}

export function tierLabel(label: string): string {
  return label ? label.charAt(0).toUpperCase() + label.slice(1).toLowerCase() : label;
}

/** Said plainly when the outcomes are too few to trust the numbers. */
export function ThinData({ report }: { report: ReportLike }) {
  if (report.trustworthy) return null;
  return (
    <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="thin-data">
      <strong className="font-semibold">Thin data:</strong> {report.verdict}. Treat these numbers as a rough guide only.
    </p>
  );
}

/** A small table with a caption and a header row; every cell is text. */
export function DataTable({ caption, head, rows, testId }: { caption: string; head: string[]; rows: ReactNode[][]; testId?: string }) {
  return (
    // Focusable so a keyboard can scroll it at narrow widths.
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={caption}>
      <table className="w-full text-left text-sm" data-testid={testId}>
        <caption className="mb-1 text-left text-sm font-semibold text-slate-800">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-200 text-xs text-slate-600">
            {head.map((h, i) => (
              <th key={h} scope="col" className={`py-1 pr-3 font-medium ${i > 0 ? 'text-right' : ''}`}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r} className="border-b border-slate-100 last:border-0">
              {row.map((cell, i) =>
                i === 0 ? (
                  <th key={i} scope="row" className="py-1 pr-3 font-medium text-slate-800">
                    {cell}
                  </th>
                ) : (
                  <td key={i} className="py-1 pr-3 text-right tabular-nums text-slate-800">
                    {cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Conversion per tier or band: closed leads, conversions, rate with its Wilson 95 % interval. */
export function RateTable({ caption, rows, tiers = false }: { caption: string; rows: RateRow[]; tiers?: boolean }) {
  return (
    <DataTable
      caption={caption}
      head={[tiers ? 'Tier' : 'Score band', 'Closed leads', 'Won', 'Conversion (95 % interval)']}
      rows={rows.map((row) => [tiers ? tierLabel(row.label) : row.label, formatCount(row.count), formatCount(row.conversions), formatRate(row)])}
    />
  );
}

/** The model in force against the proposed one over the same closed leads. */
export function BacktestComparison({ current, proposed, tierChangesTotal }: { current: ReportLike; proposed: ReportLike; tierChangesTotal: number }) {
  const rows: ReactNode[][] = [
    ['Closed leads', formatCount(current.leads), formatCount(proposed.leads)],
    ['Won', formatCount(current.conversions), formatCount(proposed.conversions)],
    ['AUC', formatAuc(current.auc), formatAuc(proposed.auc)],
    ['Top-decile lift', formatLift(current.topDecileLift), formatLift(proposed.topDecileLift)],
    ...current.tiers.map((row, i) => {
      const other = proposed.tiers[i];
      return [`Conversion, ${tierLabel(row.label)}`, formatRate(row), other ? formatRate(other) : '—'];
    }),
  ];
  const bandRows: ReactNode[][] = current.bands.flatMap((row, i) => {
    const other = proposed.bands[i];
    if (row.count === 0 && (other?.count ?? 0) === 0) return [];
    return [[row.label, formatRate(row), other ? formatRate(other) : '—']];
  });
  return (
    <div className="space-y-3" data-testid="backtest">
      <ThinData report={proposed} />
      <DataTable caption="Backtest: each closed lead scored as it stood before its outcome" head={['Metric', 'In force', 'Proposed']} rows={rows} testId="backtest-metrics" />
      {bandRows.length > 0 && <DataTable caption="Backtest conversion by score band" head={['Band', 'In force', 'Proposed']} rows={bandRows} />}
      <p className="text-xs text-slate-600">
        {formatCount(tierChangesTotal)} closed {tierChangesTotal === 1 ? 'lead' : 'leads'} would land in another tier.
        {current.excluded > 0 ? ` ${formatCount(current.excluded)} closed leads have no history before their outcome and are left out.` : ''}
      </p>
    </div>
  );
}
