import { memo, type ReactNode } from 'react';
import type { ViewLead } from '../api/hooks';
import type { SortKey } from '../hooks/useDashboardParams';
import {
  formatCount,
  formatDuration,
  formatExactDate,
  formatRelative,
  formatSecondsExact,
  parseDate,
} from '../lib/format';
import { EmailText } from './EmailText';
import { PriorityLabel, ScoreBadge } from './ScoreBadge';
import { StatusSelect } from './StatusSelect';
import { Sparkline, TrendArrow } from './Trend';

export const COLUMN_COUNT = 9;
const SKELETON_ROWS = 8;

/**
 * Narrow screens keep name and score (375 px, no sideways scrolling; the score's badge names the
 * tier, so Priority comes with Status); the other columns appear as the width allows. The
 * breakdown panel shows every one of them.
 */
export const SHOW_FROM = {
  lastActivity: 'hidden sm:table-cell',
  priority: 'hidden md:table-cell',
  status: 'hidden md:table-cell',
  owner: 'hidden lg:table-cell',
  counts: 'hidden xl:table-cell',
} as const;
/** Per column of the table, in order: the visibility classes above ('' = always shown). */
const COLUMN_VISIBILITY = ['', '', SHOW_FROM.priority, SHOW_FROM.status, SHOW_FROM.counts, SHOW_FROM.counts, SHOW_FROM.counts, SHOW_FROM.lastActivity, SHOW_FROM.owner];
const cell = 'px-2 py-2 align-top sm:px-3';

function SortHeader({
  label,
  sortKey,
  active,
  onSort,
  align = 'left',
  className = '',
}: {
  label: string;
  sortKey: SortKey;
  active: boolean;
  onSort: (k: SortKey) => void;
  align?: 'left' | 'right';
  className?: string;
}) {
  return (
    <th
      scope="col"
      aria-sort={active ? 'descending' : 'none'}
      className={`px-2 py-2 font-semibold whitespace-nowrap sm:px-3 ${align === 'right' ? 'text-right' : 'text-left'} ${className}`}
    >
      <button
        type="button"
        onClick={() => onSort(sortKey)}
        className={`inline-flex items-center gap-1 rounded font-semibold uppercase tracking-wide hover:text-blue-800 ${active ? 'text-blue-800' : ''}`}
      >
        {label}
        <span aria-hidden="true" className={active ? 'opacity-100' : 'opacity-30'}>
          ▼
        </span>
        <span className="sr-only">{active ? ' (sorted, highest first)' : ' (sort by this column)'}</span>
      </button>
    </th>
  );
}

function PlainHeader({
  children,
  align = 'left',
  className = '',
}: {
  children: ReactNode;
  align?: 'left' | 'right';
  className?: string;
}) {
  return (
    <th
      scope="col"
      className={`px-2 py-2 font-semibold whitespace-nowrap sm:px-3 ${align === 'right' ? 'text-right' : 'text-left'} ${className}`}
    >
      {children}
    </th>
  );
}

/** The header row; hidden columns follow SHOW_FROM like their cells. */
export function LeadTableHead({ sort, onSort }: { sort: SortKey; onSort: (k: SortKey) => void }) {
  return (
    <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-700">
      <tr>
        <PlainHeader>Lead Name</PlainHeader>
        <SortHeader label="Score" sortKey="score" active={sort === 'score'} onSort={onSort} align="right" />
        <PlainHeader className={SHOW_FROM.priority}>Priority</PlainHeader>
        <PlainHeader className={SHOW_FROM.status}>Status</PlainHeader>
        <PlainHeader align="right" className={SHOW_FROM.counts}>
          Email Opens
        </PlainHeader>
        <PlainHeader align="right" className={SHOW_FROM.counts}>
          Website Visits
        </PlainHeader>
        <PlainHeader align="right" className={SHOW_FROM.counts}>
          Time Spent
        </PlainHeader>
        <SortHeader
          label="Last Activity"
          sortKey="lastActivity"
          active={sort === 'lastActivity'}
          onSort={onSort}
          align="right"
          className={SHOW_FROM.lastActivity}
        />
        <PlainHeader className={SHOW_FROM.owner}>Owner</PlainHeader>
      </tr>
    </thead>
  );
}

export function SkeletonRows() {
  return (
    <>
      {Array.from({ length: SKELETON_ROWS }, (_, i) => (
        <tr key={i} className="border-t border-slate-100" data-testid="skeleton-row" aria-hidden="true">
          {COLUMN_VISIBILITY.map((visibility, j) => (
            <td key={j} className={`px-2 py-3 sm:px-3 ${visibility}`}>
              <div className={`h-4 rounded bg-slate-200 ls-skeleton ${j === 0 ? 'w-32' : 'ml-auto w-12'}`} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

function Badges({ lead }: { lead: ViewLead }) {
  return (
    <>
      {!lead.hasActivity && (
        <span
          className="rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-800"
          title="No interactions recorded for this lead"
        >
          no data
        </span>
      )}
      {lead.stale && (
        <span
          className="rounded bg-yellow-100 px-1.5 py-0.5 text-xs font-medium text-yellow-900"
          title="Served from cache; being recomputed"
        >
          stale
        </span>
      )}
    </>
  );
}

/** One lead; memoised: the per-second clock of the page does not re-render rows. */
export const LeadTableRow = memo(function LeadTableRow({
  lead,
  now,
  onOpen,
}: {
  lead: ViewLead;
  /** For "3 days ago"; pass a value that changes rarely (e.g. per half minute). */
  now: number;
  onOpen: (id: string, el: HTMLElement) => void;
}) {
  const last = parseDate(lead.lastActivityAt);
  const ownerName = lead.owner?.name ?? lead.ownerId ?? 'Unassigned';
  return (
    <tr
      className="border-t border-slate-100 hover:bg-slate-50"
      data-lead-id={lead.leadId}
      data-score={lead.score}
      data-owner-id={lead.ownerId ?? ''}
      data-last-activity={lead.lastActivityAt ?? ''}
      data-status={lead.status}
    >
      <td className={`min-w-32 sm:min-w-44 ${cell}`}>
        <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <button
            type="button"
            onClick={(e) => onOpen(lead.leadId, e.currentTarget)}
            className="rounded text-left font-medium text-blue-800 underline-offset-2 wrap-anywhere hover:underline"
            aria-haspopup="dialog"
          >
            {lead.name}
          </button>
          <Badges lead={lead} />
        </div>
        {lead.company && <div className="text-xs text-slate-700 wrap-anywhere">{lead.company}</div>}
        {lead.email && (
          <a
            href={`mailto:${lead.email}`}
            className="wrap-anywhere text-xs text-slate-700 underline underline-offset-2 hover:text-blue-800"
            data-col="email"
          >
            <EmailText email={lead.email} />
          </a>
        )}
      </td>
      <td className={`${cell} text-right`} data-col="score">
        <div className="flex flex-wrap items-center justify-end gap-1">
          <TrendArrow trend={lead.trend} withText />
          <ScoreBadge score={lead.score} priority={lead.priority} />
        </div>
        <Sparkline scores={lead.sparkline} score={lead.score} modelChangedAt={lead.trend.modelChangedAt} endAt={lead.computedAt} />
      </td>
      <td className={`${cell} ${SHOW_FROM.priority}`} data-col="priority">
        <PriorityLabel priority={lead.priority} />
      </td>
      <td className={`${cell} ${SHOW_FROM.status}`} data-col="status">
        <StatusSelect leadId={lead.leadId} leadName={lead.name} status={lead.status} />
      </td>
      <td className={`${cell} ${SHOW_FROM.counts} text-right whitespace-nowrap tabular-nums`}>{formatCount(lead.raw?.emailOpens)}</td>
      <td className={`${cell} ${SHOW_FROM.counts} text-right whitespace-nowrap tabular-nums`}>{formatCount(lead.raw?.websiteVisits)}</td>
      <td className={`${cell} ${SHOW_FROM.counts} text-right whitespace-nowrap tabular-nums`} data-col="time-spent">
        <span title={formatSecondsExact(lead.raw?.timeSpent)}>{formatDuration(lead.raw?.timeSpent)}</span>
      </td>
      <td className={`${cell} ${SHOW_FROM.lastActivity} text-right whitespace-nowrap`}>
        {last ? (
          <time dateTime={last.toISOString()} title={formatExactDate(last)}>
            {formatRelative(last, new Date(now))}
          </time>
        ) : (
          <span title="No activity recorded">—</span>
        )}
      </td>
      <td className={`${cell} ${SHOW_FROM.owner}`} data-col="owner">
        {ownerName}
      </td>
    </tr>
  );
});
