// The editor's form: every parameter as the text the user typed, the checks that mirror
// foundation/model_rules.py (all of them at once), and the GraphQL input built from a valid draft.
import { GraphQLRequestError } from '../api/client';
import type { ScoringConfigInput } from '../gql/graphql';

export const FIELDS = [
  'weights.emailOpens',
  'weights.websiteVisits',
  'weights.timeSpent',
  'caps.emailOpens',
  'caps.websiteVisits',
  'caps.timeSpent',
  'halfLifeDays',
  'thresholds.hot',
  'thresholds.warm',
] as const;

export type Field = (typeof FIELDS)[number];
export type Draft = Record<Field, string>;
/** Bad fields by name; the groups ("weights", "caps", "thresholds") hold rules across fields. */
export type FieldErrors = Partial<Record<Field | 'weights' | 'caps' | 'thresholds' | 'note', string>>;

/** The bounds of foundation/model_rules.py. */
export const MAX_WEIGHT = 1000;
export const MAX_CAP = 1e12;
export const MIN_HALF_LIFE_DAYS = 0.01;
export const MAX_HALF_LIFE_DAYS = 3650;
export const MAX_NOTE = 500;

type GroupKey = 'weights' | 'caps' | 'thresholds';

/** The rule across fields that covers a field ("thresholds" for the hot threshold), if any. */
export function groupOf(field: Field): GroupKey | null {
  const prefix = field.split('.')[0];
  return prefix === 'weights' || prefix === 'caps' || prefix === 'thresholds' ? prefix : null;
}

/** The fields marked invalid: by their own error or by their group's rule. */
export function flaggedFields(errors: FieldErrors): Field[] {
  return FIELDS.filter((field) => {
    const group = groupOf(field);
    return Boolean(errors[field] || (group && errors[group]));
  });
}

export const LABELS: Record<Field, string> = {
  'weights.emailOpens': 'Email opens weight',
  'weights.websiteVisits': 'Website visits weight',
  'weights.timeSpent': 'Time spent weight',
  'caps.emailOpens': 'Email opens cap',
  'caps.websiteVisits': 'Website visits cap',
  'caps.timeSpent': 'Time spent cap (seconds)',
  halfLifeDays: 'Half-life (days)',
  'thresholds.hot': 'Hot threshold',
  'thresholds.warm': 'Warm threshold',
};

interface ModelValues {
  weights: { emailOpens: number; websiteVisits: number; timeSpent: number };
  caps: { emailOpens: number; websiteVisits: number; timeSpent: number };
  halfLifeDays: number;
  thresholds: { hot: number; warm: number };
}

/** The form filled with a model's values. */
export function draftOf(model: ModelValues): Draft {
  const text = (n: number) => String(Number(n.toPrecision(12)));
  return {
    'weights.emailOpens': text(model.weights.emailOpens),
    'weights.websiteVisits': text(model.weights.websiteVisits),
    'weights.timeSpent': text(model.weights.timeSpent),
    'caps.emailOpens': text(model.caps.emailOpens),
    'caps.websiteVisits': text(model.caps.websiteVisits),
    'caps.timeSpent': text(model.caps.timeSpent),
    halfLifeDays: text(model.halfLifeDays),
    'thresholds.hot': text(model.thresholds.hot),
    'thresholds.warm': text(model.thresholds.warm),
  };
}

function parse(value: string): number | null {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : Number.NaN;
}

function typeError(value: string): string | null {
  const n = parse(value);
  if (n === null) return 'is required';
  if (Number.isNaN(n)) return 'must be a number';
  return null;
}

/** Every broken rule of the draft at once (an empty object when it is valid). */
export function validate(draft: Draft): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of FIELDS) {
    const problem = typeError(draft[field]);
    if (problem) errors[field] = problem;
  }
  const num = (field: Field) => (errors[field] ? null : (parse(draft[field]) as number));
  const weights = FIELDS.slice(0, 3).map((f) => [f, num(f)] as const);
  for (const [field, w] of weights) {
    if (w === null) continue;
    if (w < 0) errors[field] = 'must not be negative';
    else if (w > MAX_WEIGHT) errors[field] = `must be at most ${MAX_WEIGHT}`;
  }
  if (weights.every(([, w]) => w !== null && w === 0)) errors.weights = 'at least one weight must be positive';
  for (const field of FIELDS.slice(3, 6)) {
    const cap = num(field);
    if (cap === null) continue;
    if (cap <= 0) errors[field] = 'must be positive';
    else if (cap > MAX_CAP) errors[field] = `must be at most ${MAX_CAP.toExponential()}`;
  }
  const halfLife = num('halfLifeDays');
  if (halfLife !== null && (halfLife < MIN_HALF_LIFE_DAYS || halfLife > MAX_HALF_LIFE_DAYS)) {
    errors.halfLifeDays = `must be ${MIN_HALF_LIFE_DAYS}–${MAX_HALF_LIFE_DAYS} days`;
  }
  const hot = num('thresholds.hot');
  const warm = num('thresholds.warm');
  if (hot !== null && (hot < 0 || hot > 100)) errors['thresholds.hot'] = 'must be 0–100';
  if (warm !== null && (warm < 0 || warm > 100)) errors['thresholds.warm'] = 'must be 0–100';
  if (hot !== null && warm !== null && !errors['thresholds.hot'] && !errors['thresholds.warm'] && warm > hot) {
    errors.thresholds = 'warm must not be above hot (0 ≤ warm ≤ hot ≤ 100)';
  }
  return errors;
}

/** The note's problem, or null (required, at most MAX_NOTE characters). */
export function noteError(note: string): string | null {
  const text = note.trim();
  if (!text) return 'is required: say why the model changes';
  if (text.length > MAX_NOTE) return `must be at most ${MAX_NOTE} characters`;
  return null;
}

/** The GraphQL input of a valid draft. */
export function inputOf(draft: Draft): ScoringConfigInput {
  const n = (field: Field) => Number(draft[field].trim());
  return {
    weights: { emailOpens: n('weights.emailOpens'), websiteVisits: n('weights.websiteVisits'), timeSpent: n('weights.timeSpent') },
    caps: { emailOpens: n('caps.emailOpens'), websiteVisits: n('caps.websiteVisits'), timeSpent: n('caps.timeSpent') },
    halfLifeDays: n('halfLifeDays'),
    thresholds: { hot: n('thresholds.hot'), warm: n('thresholds.warm') },
  };
}

/** True when the draft's numbers equal the model's. */
export function sameModel(draft: Draft, model: ModelValues): boolean {
  const base = draftOf(model);
  return FIELDS.every((f) => draft[f].trim() !== '' && Number(draft[f].trim()) === Number(base[f]));
}

/** The server's per-field details of a BAD_USER_INPUT error ("weights", "note", …). */
export function serverFieldErrors(err: unknown): FieldErrors | null {
  if (!(err instanceof GraphQLRequestError) || err.code !== 'BAD_USER_INPUT') return null;
  const found: FieldErrors = {};
  for (const entry of err.errors) {
    const details = entry.extensions?.details;
    if (!Array.isArray(details)) continue;
    for (const d of details as { field?: unknown; message?: unknown }[]) {
      if (typeof d.field === 'string' && typeof d.message === 'string') {
        found[d.field as keyof FieldErrors] = d.message;
      }
    }
  }
  return Object.keys(found).length > 0 ? found : null;
}

/** "weights.emailOpens" → "Email opens weight"; groups and unknown names as given. */
export function fieldLabel(name: string): string {
  if (name in LABELS) return LABELS[name as Field];
  const groups: Record<string, string> = { weights: 'Weights', caps: 'Caps', thresholds: 'Thresholds', note: 'Note', halfLifeDays: 'Half-life' };
  return groups[name] ?? name;
}
