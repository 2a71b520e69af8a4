import type { LeadDetailQuery } from '../gql/graphql';
import { formatExactDate, formatRelative, parseDate } from '../lib/format';
import { EmailText } from './EmailText';
import { StatusSelect } from './StatusSelect';

type Lead = NonNullable<LeadDetailQuery['lead']>;

/** Company, email (a mailto: link) and the status with who set it and when. */
export function LeadContact({ lead }: { lead: Lead }) {
  const setAt = parseDate(lead.statusSetAt);
  return (
    <section aria-labelledby="bd-contact" className="space-y-3">
      <h3 id="bd-contact" className="sr-only">
        Contact and status
      </h3>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        {lead.company && (
          <>
            <dt className="text-slate-600">Company</dt>
            <dd className="wrap-anywhere">{lead.company}</dd>
          </>
        )}
        <dt className="text-slate-600">Email</dt>
        <dd className="wrap-anywhere">
          {lead.email ? (
            <a href={`mailto:${lead.email}`} className="text-blue-800 underline underline-offset-2">
              <EmailText email={lead.email} />
            </a>
          ) : (
            '—'
          )}
        </dd>
        <dt className="text-slate-600">Owner</dt>
        <dd>{lead.owner?.name ?? lead.ownerId ?? 'Unassigned'}</dd>
      </dl>
      <div className="flex flex-wrap items-end gap-3">
        <StatusSelect leadId={lead.leadId} leadName={lead.name} status={lead.status} visibleLabel />
        <p className="text-xs text-slate-600" data-testid="status-set-by">
          {lead.statusSetBy || setAt ? (
            <>
              Set{lead.statusSetBy ? ` by ${lead.statusSetBy.name}` : ''}
              {setAt && (
                <>
                  {' '}
                  <time dateTime={setAt.toISOString()} title={formatExactDate(setAt)}>
                    {formatRelative(setAt)}
                  </time>
                </>
              )}
            </>
          ) : (
            'Not worked on yet'
          )}
        </p>
      </div>
    </section>
  );
}
