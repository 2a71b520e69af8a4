import { useEffect, useId, useRef, useState } from 'react';
import { useSetLeadStatus } from '../api/hooks';
import { describeError } from '../api/client';
import type { LeadStatus } from '../gql/graphql';
import { LEAD_STATUSES } from '../hooks/useDashboardParams';
import { STATUS_LABEL } from '../lib/format';

/**
 * A choice is saved after this pause (or when the select loses focus): arrow keys on a closed
 * select change its value at every press, and only the last one should be sent.
 */
export const STATUS_COMMIT_MS = 500;

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
  const [draft, setDraft] = useState<LeadStatus | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pending = useRef<LeadStatus | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const saved = useRef(status);
  saved.current = status;

  const cancel = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };

  async function commit() {
    cancel();
    const next = pending.current;
    pending.current = null;
    if (next === null) return;
    if (next === saved.current) {
      setDraft((d) => (d === next ? null : d));
      return;
    }
    setSaving(true);
    try {
      await setStatus(leadId, next);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setSaving(false);
      setDraft((d) => (d === next ? null : d));
    }
  }

  // A choice still waiting when the row goes away (another page, a filter) is sent anyway.
  useEffect(
    () => () => {
      cancel();
      const next = pending.current;
      if (next !== null && next !== saved.current) void setStatus(leadId, next).catch(() => {});
    },
    [leadId, setStatus],
  );

  function onChange(next: LeadStatus) {
    pending.current = next;
    setDraft(next);
    setError(null);
    cancel();
    timer.current = setTimeout(() => void commit(), STATUS_COMMIT_MS);
  }

  return (
    <div>
      <label htmlFor={id} className={visibleLabel ? 'mb-1 block text-xs font-medium text-slate-700' : 'sr-only'}>
        {visibleLabel ? 'Status' : `Status of ${leadName}`}
      </label>
      <select
        id={id}
        value={draft ?? status}
        aria-busy={saving}
        aria-invalid={error !== null}
        aria-describedby={error ? errId : undefined}
        onChange={(e) => onChange(e.target.value as LeadStatus)}
        onBlur={() => {
          if (timer.current) void commit();
        }}
        className="block rounded-md border border-slate-400 bg-white px-2 py-1 text-sm text-slate-900 shadow-sm aria-busy:opacity-60 aria-[invalid=true]:border-red-600"
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
