import { useId } from 'react';
import { FIELDS, fieldLabel, groupOf, LABELS, type Draft, type Field, type FieldErrors } from './draft';

interface Group {
  key: 'weights' | 'caps' | 'decay';
  legend: string;
  help: string;
  fields: readonly Field[];
  errorKey?: 'weights' | 'caps' | 'thresholds';
}

const GROUPS: Group[] = [
  {
    key: 'weights',
    legend: 'Weights',
    help: 'How much each activity counts (0–1000, at least one above 0).',
    fields: FIELDS.slice(0, 3),
    errorKey: 'weights',
  },
  {
    key: 'caps',
    legend: 'Caps',
    help: 'The amount of activity that earns a factor’s full weight (above 0).',
    fields: FIELDS.slice(3, 6),
    errorKey: 'caps',
  },
  {
    key: 'decay',
    legend: 'Decay and tiers',
    help: 'Half-life 0.01–3650 days; thresholds 0–100 with warm ≤ hot.',
    fields: FIELDS.slice(6),
    errorKey: 'thresholds',
  },
];

export interface ParameterFormProps {
  draft: Draft;
  inForce: Draft;
  errors: FieldErrors;
  readOnly: boolean;
  onChange: (field: Field, value: string) => void;
}

/** Every parameter of the model, labelled, with its value in force and its error inline. */
export function ParameterForm({ draft, inForce, errors, readOnly, onChange }: ParameterFormProps) {
  const id = useId();
  const weightSum = FIELDS.slice(0, 3).reduce((sum, f) => sum + (Number(draft[f]) || 0), 0);
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      {GROUPS.map((group) => {
        const groupError = group.errorKey ? errors[group.errorKey] : undefined;
        const helpId = `${id}-${group.key}-help`;
        const groupErrorId = `${id}-${group.key}-error`;
        return (
          <fieldset
            key={group.key}
            className="min-w-0 space-y-3 rounded-lg border border-slate-200 bg-white p-4"
            aria-describedby={groupError ? `${helpId} ${groupErrorId}` : helpId}
            data-testid={`group-${group.key}`}
          >
            <legend className="px-1 text-sm font-semibold text-slate-900">{group.legend}</legend>
            <p id={helpId} className="text-xs text-slate-600">
              {group.help}
            </p>
            {group.fields.map((field) => (
              <NumberField
                key={field}
                id={`${id}-${field}`}
                field={field}
                value={draft[field]}
                inForce={inForce[field]}
                error={errors[field]}
                // only the fields the group's rule is about (not the half-life for the thresholds)
                groupErrorId={groupError && groupOf(field) === group.errorKey ? groupErrorId : undefined}
                readOnly={readOnly}
                onChange={onChange}
              />
            ))}
            {group.key === 'weights' && (
              <p className="text-xs text-slate-600" data-testid="weight-sum">
                Weights sum to {Number(weightSum.toFixed(4))}
                {Math.abs(weightSum - 1) < 1e-9 ? ': a lead at every cap scores 100 before decay.' : ' (1 makes 100 the top score).'}
              </p>
            )}
            {groupError && (
              <p id={groupErrorId} className="text-sm font-medium text-red-700">
                {fieldLabel(group.errorKey!)}: {groupError}
              </p>
            )}
          </fieldset>
        );
      })}
    </div>
  );
}

function NumberField({
  id,
  field,
  value,
  inForce,
  error,
  groupErrorId,
  readOnly,
  onChange,
}: {
  id: string;
  field: Field;
  value: string;
  inForce: string;
  error: string | undefined;
  groupErrorId: string | undefined;
  readOnly: boolean;
  onChange: (field: Field, value: string) => void;
}) {
  const changed = value.trim() === '' || Number(value.trim()) !== Number(inForce);
  const describedBy = [`${id}-hint`, error ? `${id}-error` : null, groupErrorId ?? null].filter(Boolean).join(' ');
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-800">
        {LABELS[field]}
      </label>
      <input
        id={id}
        name={field}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        value={value}
        disabled={readOnly}
        aria-invalid={error || groupErrorId ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(field, e.target.value)}
        className={`block w-full rounded-md border px-2 py-1.5 text-sm tabular-nums disabled:bg-slate-100 disabled:text-slate-700 ${
          error ? 'border-red-600' : changed ? 'border-blue-600 bg-blue-50' : 'border-slate-400'
        }`}
      />
      <p id={`${id}-hint`} className="mt-0.5 text-xs text-slate-600">
        In force: {inForce}
        {changed && !readOnly ? ' · changed' : ''}
      </p>
      {error && (
        <p id={`${id}-error`} className="mt-0.5 text-sm font-medium text-red-700">
          {LABELS[field]} {error}
        </p>
      )}
    </div>
  );
}
