import { useId, useState } from 'react';
import useSWR from 'swr';
import { describeError, gqlRequest } from '../api/client';
import type { ModelReportViewQuery, ModelReportViewQueryVariables } from '../gql/graphql';
import { formatCount, formatPercent } from '../lib/format';
import { MODEL_REPORT_QUERY } from './operations';
import { DataTable, formatAuc, formatLift, RateTable, ThinData } from './ReportTables';

const WINDOWS = [
  { value: '', label: 'All closed leads' },
  { value: '90', label: 'Closed in the last 90 days' },
  { value: '180', label: 'Closed in the last 180 days' },
  { value: '365', label: 'Closed in the last 365 days' },
];

const swrOptions = { revalidateOnFocus: false, shouldRetryOnError: false } as const;

/** How well the model in force matched the outcomes: by tier, by band, calibration. */
export function ModelReportSection({ version }: { version: number }) {
  const id = useId();
  const [windowDays, setWindowDays] = useState('');
  const report = useSWR(['ModelReportView', windowDays, version], () =>
    gqlRequest<ModelReportViewQuery, ModelReportViewQueryVariables>(MODEL_REPORT_QUERY, {
      windowDays: windowDays ? Number(windowDays) : null,
    }),
    swrOptions,
  );
  const data = report.data?.modelReport;

  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h3 id={`${id}-title`} className="text-base font-semibold text-slate-900">
          How the model in force performs
        </h3>
        <div>
          <label htmlFor={`${id}-window`} className="mb-1 block text-xs font-medium text-slate-700">
            Outcomes
          </label>
          <select
            id={`${id}-window`}
            value={windowDays}
            onChange={(e) => setWindowDays(e.target.value)}
            className="rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm"
          >
            {WINDOWS.map((w) => (
              <option key={w.value} value={w.value}>
                {w.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {report.error != null && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          Report unavailable: {describeError(report.error)}
        </p>
      )}
      {!data && report.error == null && (
        <p role="status" className="text-sm text-slate-600">
          Loading the report…
        </p>
      )}
      {data && (
        <div className="space-y-4" data-testid="model-report">
          <ThinData report={data} />
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Metric term="Closed leads" value={formatCount(data.leads)} />
            <Metric term="Won" value={`${formatCount(data.conversions)}${data.overallRate != null ? ` (${formatPercent(data.overallRate)})` : ''}`} />
            <Metric term="AUC" value={formatAuc(data.auc)} />
            <Metric term="Top-decile lift" value={formatLift(data.topDecileLift)} />
          </dl>
          <p className="text-sm text-slate-700">Verdict: {data.verdict}.</p>
          <div className="grid gap-4 lg:grid-cols-2">
            <RateTable caption="Conversion by tier" rows={data.tiers} tiers />
            <RateTable caption="Conversion by score band" rows={data.bands.filter((b) => b.count > 0)} />
          </div>
          {data.calibration.length > 0 && (
            <DataTable
              caption="Calibration: predicted (score ÷ 100) against observed conversion"
              head={['Score range', 'Leads', 'Predicted', 'Observed']}
              rows={data.calibration.map((b) => [
                `${Math.round(b.low * 100)}–${Math.round(b.high * 100)}`,
                formatCount(b.count),
                formatPercent(b.meanPredicted),
                formatPercent(b.observedRate),
              ])}
            />
          )}
        </div>
      )}
    </section>
  );
}

function Metric({ term, value }: { term: string; value: string }) {
  return (
    <div className="rounded-md bg-slate-50 px-3 py-2">
      <dt className="text-xs text-slate-600">{term}</dt>
      <dd className="text-lg font-semibold tabular-nums text-slate-900">{value}</dd>
    </div>
  );
}
