import { useEffect, useId, useRef, useState } from 'react';
import type { LeadStatus } from '../gql/graphql';
import {
  DEFAULT_STALE_DAYS,
  LEAD_STATUSES,
  MAX_STALE_DAYS,
  MOVED_UP_DAYS,
  PAGE_SIZES,
  SEARCH_MAX_LENGTH,
  type DashboardParams,
  type PageSize,
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

  // Follow external changes (Clear filters, back/forward) unless they match what is typed.
  useEffect(() => {
    setText((t) => (parse(t) === value ? t : toText(value)));
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

/** "Mine / Everyone": two toggle buttons; the choice goes to the URL. */
export function ScopeSwitch({ scope, onChange }: { scope: Scope; onChange: (s: Scope) => void }) {
  const labelId = useId();
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
    <div>
      <span id={labelId} className={labelCls}>
        Leads
      </span>
      <div role="group" aria-labelledby={labelId} className="inline-flex rounded-md border border-slate-400 shadow-sm" data-testid="scope-switch">
        {item('mine', 'Mine')}
        {item('everyone', 'Everyone')}
      </div>
    </div>
  );
}

export interface DashboardFiltersProps {
  params: DashboardParams;
  update: UpdateParams;
  scope: Scope;
  owners: { userId: string; name: string }[];
  hasFilters: boolean;
  onClear: () => void;
}

/** The filter form: search, scope, owner, status, min score, stale threshold, page size. */
export function DashboardFilters({ params, update, scope, owners, hasFilters, onClear }: DashboardFiltersProps) {
  const ownerId = useId();
  const statusId = useId();
  const movedUpId = useId();
  const limitId = useId();
  // Keep an owner from the URL selectable even before/without the owners list.
  const ownerInList = params.owner === null || owners.some((o) => o.userId === params.owner);

  return (
    <form
      role="search"
      aria-label="Filter leads"
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:flex-row sm:flex-wrap sm:items-end"
      onSubmit={(e) => e.preventDefault()}
    >
      <SearchInput value={params.q} onCommit={(q) => update({ q }, { replace: true })} />
      <ScopeSwitch
        scope={scope}
        onChange={(s) => update(s === 'mine' ? { scope: s, owner: null } : { scope: s })}
      />
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
        label="Min score"
        value={params.minScore}
        onCommit={(v) => update({ minScore: v }, { replace: true })}
        min={0}
        max={100}
        placeholder="0–100"
        emptyValue={null}
      />
      <NumberInput
        label="Stale after (days)"
        value={params.staleDays}
        onCommit={(v) => update({ staleDays: v ?? DEFAULT_STALE_DAYS }, { replace: true })}
        min={1}
        max={MAX_STALE_DAYS}
        integer
        placeholder={String(DEFAULT_STALE_DAYS)}
        emptyValue={DEFAULT_STALE_DAYS}
      />
      <div>
        <label htmlFor={limitId} className={labelCls}>
          Rows per page
        </label>
        <select
          id={limitId}
          value={params.limit}
          onChange={(e) => update({ limit: Number(e.target.value) as PageSize })}
          className={`${control} sm:w-24`}
        >
          {PAGE_SIZES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      {hasFilters && (
        <button type="button" className={`${btn} sm:mb-px`} onClick={onClear}>
          Clear filters
        </button>
      )}
    </form>
  );
}
