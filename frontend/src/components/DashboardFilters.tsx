import { useEffect, useId, useRef, useState } from 'react';
import type { LeadStatus } from '../gql/graphql';
import {
  activeFilterCount,
  DEFAULT_STALE_DAYS,
  LEAD_STATUSES,
  MAX_STALE_DAYS,
  MOVED_UP_DAYS,
  SEARCH_MAX_LENGTH,
  type DashboardParams,
  type Scope,
  type UpdateParams,
} from '../hooks/useDashboardParams';
import { STATUS_LABEL } from '../lib/format';

export const SEARCH_DEBOUNCE_MS = 250;
const NUMBER_DEBOUNCE_MS = 400;

export const btn =
  'inline-flex items-center justify-center gap-1 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-50';
const control =
  'block w-full rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm text-slate-900 shadow-sm aria-[invalid=true]:border-red-600';
const labelCls = 'mb-1 block text-xs font-medium text-slate-700';

/** Local text committed after a pause (or at once on Enter); follows external changes. */
function useDebouncedText<T>(
  value: T,
  toText: (v: T) => string,
  parse: (t: string) => T | undefined,
  onCommit: (v: T) => void,
  delay: number,
) {
  const [text, setText] = useState(() => toText(value));
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cancel = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };

  // Follow external changes (Clear filters, a link, back/forward) unless they match what is
  // typed; the text they replace is not committed later.
  useEffect(() => {
    if (parse(text) === value) return;
    cancel();
    setText(toText(value));
  }, [value]);
  useEffect(() => cancel, []);

  const parsed = parse(text);
  return {
    text,
    invalid: parsed === undefined,
    change(next: string) {
      setText(next);
      cancel();
      const v = parse(next);
      if (v !== undefined) timer.current = setTimeout(() => onCommit(v), delay);
    },
    commitNow() {
      cancel();
      if (parsed !== undefined) onCommit(parsed);
    },
  };
}

const parseSearch = (t: string) => t.trim().slice(0, SEARCH_MAX_LENGTH);

/** Search box: name, email or company; committed to the URL ~250 ms after typing stops. */
export function SearchInput({ value, onCommit }: { value: string; onCommit: (v: string) => void }) {
  const id = useId();
  const hintId = useId();
  const f = useDebouncedText(value, (v) => v, parseSearch, onCommit, SEARCH_DEBOUNCE_MS);
  return (
    <div className="sm:min-w-64 sm:flex-1">
      <label htmlFor={id} className={labelCls}>
        Search
      </label>
      <input
        id={id}
        type="search"
        value={f.text}
        maxLength={SEARCH_MAX_LENGTH}
        placeholder="Name, email or company"
        aria-describedby={hintId}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => f.change(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') f.commitNow();
        }}
        className={control}
      />
      <span id={hintId} className="sr-only">
        Results update as you type.
      </span>
    </div>
  );
}

function NumberInput({
  label,
  value,
  onCommit,
  min,
  max,
  integer = false,
  placeholder,
  emptyValue,
  className = 'sm:w-28',
}: {
  label: string;
  value: number | null;
  onCommit: (v: number | null) => void;
  min: number;
  max: number;
  integer?: boolean;
  placeholder: string;
  emptyValue: number | null;
  className?: string;
}) {
  const id = useId();
  const errId = useId();
  const parse = (t: string): number | null | undefined => {
    if (t.trim() === '') return emptyValue;
    const n = Number(t);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) return undefined;
    return n;
  };
  const f = useDebouncedText(value, (v) => (v === null || v === emptyValue ? '' : String(v)), parse, onCommit, NUMBER_DEBOUNCE_MS);
  return (
    <div>
      <label htmlFor={id} className={labelCls}>
        {label}
      </label>
      <input
        id={id}
        type="number"
        inputMode={integer ? 'numeric' : 'decimal'}
        min={min}
        max={max}
        step={1}
        placeholder={placeholder}
        value={f.text}
        aria-invalid={f.invalid}
        aria-describedby={f.invalid ? errId : undefined}
        onChange={(e) => f.change(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') f.commitNow();
        }}
        className={`${control} ${className}`}
      />
      {f.invalid && (
        <p id={errId} className="mt-1 text-xs text-red-700">
          Enter {integer ? 'a whole number' : 'a number'} from {min} to {max}.
        </p>
      )}
    </div>
  );
}

/** "Mine / Everyone": two toggle buttons beside the heading (a view setting); the choice goes to the URL. */
export function ScopeSwitch({ scope, onChange }: { scope: Scope; onChange: (s: Scope) => void }) {
  const item = (s: Scope, text: string) => (
    <button
      type="button"
      aria-pressed={scope === s}
      onClick={() => onChange(s)}
      className={`px-3 py-1.5 text-sm font-medium first:rounded-l-md last:rounded-r-md ${
        scope === s ? 'bg-blue-700 text-white' : 'bg-white text-slate-800 hover:bg-slate-50'
      }`}
    >
      {text}
    </button>
  );
  return (
    <div role="group" aria-label="Whose leads" className="inline-flex rounded-md border border-slate-400 shadow-sm" data-testid="scope-switch">
      {item('mine', 'Mine')}
      {item('everyone', 'Everyone')}
    </div>
  );
}

export interface DashboardFiltersProps {
  params: DashboardParams;
  update: UpdateParams;
  scope: Scope;
  owners: { userId: string; name: string }[];
  onClear: () => void;
  /** Changes at every "Clear filters": a value still being typed is dropped, not committed later. */
  resetKey: number;
}

/**
 * The filter form: search, owner, status, moved up, min score and stale threshold. Below the
 * `md` breakpoint it is collapsed behind a "Filters (n active)" toggle so the table comes first.
 */
export function DashboardFilters({ params, update, scope, owners, onClear, resetKey }: DashboardFiltersProps) {
  const panelId = useId();
  const ownerId = useId();
  const statusId = useId();
  const movedUpId = useId();
  const [open, setOpen] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const active = activeFilterCount(params);
  const clear = () => {
    onClear();
    // The button goes with the filters: keep keyboard focus in the panel, on the search box.
    setTimeout(() => formRef.current?.querySelector<HTMLInputElement>('input[type="search"]')?.focus(), 0);
  };
  // Keep an owner from the URL selectable even before/without the owners list.
  const ownerInList = params.owner === null || owners.some((o) => o.userId === params.owner);

  return (
    <div>
      <button
        type="button"
        className="flex w-full items-center justify-between rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 shadow-sm hover:bg-slate-50 md:hidden"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <span>
          Filters{active > 0 && ' '}
          {active > 0 && <span className="font-normal text-slate-700">({active} active)</span>}
        </span>
        <span aria-hidden="true">{open ? '▲' : '▼'}</span>
      </button>
      <form
        ref={formRef}
        id={panelId}
        role="search"
        aria-label="Filter leads"
        className={`${open ? 'mt-2 flex' : 'hidden'} flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:flex-row sm:flex-wrap sm:items-end md:mt-0 md:flex`}
        onSubmit={(e) => e.preventDefault()}
      >
        <SearchInput key={`q${resetKey}`} value={params.q} onCommit={(q) => update({ q }, { replace: true })} />
        {scope === 'everyone' && (
          <div>
            <label htmlFor={ownerId} className={labelCls}>
              Owner
            </label>
            <select
              id={ownerId}
              value={params.owner ?? ''}
              onChange={(e) => update({ owner: e.target.value === '' ? null : e.target.value })}
              className={`${control} sm:w-44`}
            >
              <option value="">All owners</option>
              {!ownerInList && params.owner && <option value={params.owner}>{params.owner}</option>}
              {owners.map((o) => (
                <option key={o.userId} value={o.userId}>
                  {o.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div>
          <label htmlFor={statusId} className={labelCls}>
            Status
          </label>
          <select
            id={statusId}
            value={params.status ?? ''}
            onChange={(e) => update({ status: e.target.value === '' ? null : (e.target.value as LeadStatus) })}
            className={`${control} sm:w-36`}
          >
            <option value="">Any status</option>
            {LEAD_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={movedUpId} className={labelCls}>
            Moved up a tier
          </label>
          <select
            id={movedUpId}
            value={params.movedUp ?? ''}
            onChange={(e) => update({ movedUp: e.target.value === '' ? null : Number(e.target.value) })}
            className={`${control} sm:w-48`}
          >
            <option value="">Any time or never</option>
            {MOVED_UP_DAYS.map((d) => (
              <option key={d} value={d}>
                In the last {d} days
              </option>
            ))}
          </select>
        </div>
        <NumberInput
          key={`min${resetKey}`}
          label="Min score"
          value={params.minScore}
          onCommit={(v) => update({ minScore: v }, { replace: true })}
          min={0}
          max={100}
          placeholder="0–100"
          emptyValue={null}
        />
        <NumberInput
          key={`stale${resetKey}`}
          label="Stale after (days)"
          value={params.staleDays}
          onCommit={(v) => update({ staleDays: v ?? DEFAULT_STALE_DAYS }, { replace: true })}
          min={1}
          max={MAX_STALE_DAYS}
          integer
          placeholder={String(DEFAULT_STALE_DAYS)}
          emptyValue={DEFAULT_STALE_DAYS}
        />
        {active > 0 && (
          <button type="button" className={`${btn} sm:mb-px`} onClick={clear}>
            Clear filters
          </button>
        )}
      </form>
    </div>
  );
}
