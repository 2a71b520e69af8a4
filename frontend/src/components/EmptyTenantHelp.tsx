import type { MouseEvent } from 'react';
import { navigate } from '../hooks/usePath';

/** Admin → Ingestion keys. */
const KEYS_URL = '/admin?tab=keys';
const code = 'rounded bg-slate-100 px-1 py-0.5 font-mono text-xs text-slate-900 break-all';

/**
 * The empty state of a tenant without any lead: the ways leads come in (CSV import on the
 * server, an ingestion key and `POST /events`), briefly.
 */
export function EmptyTenantHelp({ tenantId, admin }: { tenantId: string | null; admin: boolean }) {
  const onAdmin = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
    e.preventDefault();
    navigate(KEYS_URL);
  };
  return (
    <div className="mx-auto max-w-xl text-left" data-testid="empty-tenant">
      <p className="text-center font-medium text-slate-800">No leads yet</p>
      <p className="mt-1 text-center text-sm text-slate-600">This workspace has no leads. To bring them in:</p>
      <ul className="mt-3 list-disc space-y-1.5 pl-5 text-sm text-slate-700">
        <li>
          Import a CSV file on the server: <code className={code}>leadscore import FILE.csv --tenant {tenantId ?? '<id>'}</code>
        </li>
        <li>
          Or connect a CRM sync:{' '}
          {admin ? (
            <a href={KEYS_URL} onClick={onAdmin} className="font-medium text-blue-800 underline underline-offset-2">
              create an ingestion key under Admin → Ingestion keys
            </a>
          ) : (
            'an admin creates an ingestion key under Admin → Ingestion keys'
          )}
          , and the sync sends activity to <code className={code}>POST /events</code>.
        </li>
      </ul>
      <p className="mt-2 text-center text-xs text-slate-600">Leads show up here, scored, as soon as they arrive.</p>
    </div>
  );
}
