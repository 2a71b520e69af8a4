import { useId, useState } from 'react';
import { useSetLeadStatus } from '../api/hooks';
import { describeError } from '../api/client';
import type { LeadStatus } from '../gql/graphql';
import { LEAD_STATUSES } from '../hooks/useDashboardParams';
import { STATUS_LABEL } from '../lib/format';

export interface StatusSelectProps {
  leadId: string;
  leadName: string;
  status: LeadStatus;
  /** Show a visible "Status" label (panel) or only an accessible name (table row). */
  visibleLabel?: boolean;
}

/** A lead's status as a select; a change calls `setLeadStatus` and patches the cached views. */
export function StatusSelect({ leadId, leadName, status, visibleLabel = false }: StatusSelectProps) {
  const id = useId();
  const errId = useId();
  const setStatus = useSetLeadStatus();
  const [pending, setPending] = useState<LeadStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function onChange(next: LeadStatus) {
    setPending(next);
    setError(null);
    try {
      await setStatus(leadId, next);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setPending(null);
    }
  }

  return (
    <div>
      <label htmlFor={id} className={visibleLabel ? 'mb-1 block text-xs font-medium text-slate-700' : 'sr-only'}>
        {visibleLabel ? 'Status' : `Status of ${leadName}`}
      </label>
      <select
        id={id}
        value={pending ?? status}
        disabled={pending !== null}
        aria-busy={pending !== null}
        aria-invalid={error !== null}
        aria-describedby={error ? errId : undefined}
        onChange={(e) => void onChange(e.target.value as LeadStatus)}
        className="block rounded-md border border-slate-400 bg-white px-2 py-1 text-sm text-slate-900 shadow-sm disabled:opacity-60 aria-[invalid=true]:border-red-600"
        data-testid="status-select"
      >
        {LEAD_STATUSES.map((s) => (
          <option key={s} value={s}>
            {STATUS_LABEL[s]}
          </option>
        ))}
      </select>
      {error && (
        <p id={errId} role="alert" className="mt-1 max-w-48 text-xs text-red-700">
          Status not saved: {error}
        </p>
      )}
    </div>
  );
}
