import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useSetLeadStatus } from '../api/hooks';
import { describeError } from '../api/client';
import type { LeadStatus } from '../gql/graphql';
import { LEAD_STATUSES } from '../hooks/useDashboardParams';
import { STATUS_LABEL } from '../lib/format';

/**
 * A choice picked with the mouse (or from the open list) is saved after this pause, or when the
 * select loses focus: several quick picks send only the last one.
 */
export const STATUS_COMMIT_MS = 500;

/** Keys that never change a closed select's value themselves. */
const NON_CHANGING_KEYS = new Set(['Enter', 'Escape', 'Tab', 'Shift', 'Control', 'Alt', 'Meta']);

export interface StatusSelectProps {
  leadId: string;
  leadName: string;
  status: LeadStatus;
  /** Show a visible "Status" label (panel) or only an accessible name (table row). */
  visibleLabel?: boolean;
}

/**
 * A lead's status as a select; a change calls `setLeadStatus` and patches the cached views.
 * Arrow keys (and typing) on a closed select change its value at every press: such a change
 * waits for Enter or for the select to lose focus, and Esc puts the saved value back.
 */
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
  const hintId = useId();
  /** A key just went down on the select: the change it fires is the keyboard's. */
  const keyed = useRef(false);
  const [keyboardDraft, setKeyboardDraft] = useState(false);

  const cancel = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };

  async function commit() {
    cancel();
    setKeyboardDraft(false);
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
    if (keyed.current) setKeyboardDraft(true);
    else timer.current = setTimeout(() => void commit(), STATUS_COMMIT_MS);
  }

  function revert() {
    cancel();
    pending.current = null;
    setDraft(null);
    setKeyboardDraft(false);
  }

  function onKeyDown(e: KeyboardEvent<HTMLSelectElement>) {
    if (e.key === 'Enter' && pending.current !== null) {
      e.preventDefault();
      void commit();
    } else if (e.key === 'Escape' && pending.current !== null) {
      e.preventDefault();
      revert();
    } else if (!NON_CHANGING_KEYS.has(e.key)) {
      // the browser changes the value (and fires change) right after this event
      keyed.current = true;
      setTimeout(() => (keyed.current = false), 0);
    }
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
        aria-describedby={[error ? errId : '', keyboardDraft ? hintId : ''].join(' ').trim() || undefined}
        onChange={(e) => onChange(e.target.value as LeadStatus)}
        onKeyDown={onKeyDown}
        onBlur={() => {
          if (pending.current !== null) void commit();
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
      {keyboardDraft && (
        <p id={hintId} className="mt-1 max-w-48 text-xs text-slate-700">
          Enter to save, Esc to undo
        </p>
      )}
      {error && (
        <p id={errId} role="alert" className="mt-1 max-w-48 text-xs text-red-700">
          Status not saved: {error}
        </p>
      )}
    </div>
  );
}
