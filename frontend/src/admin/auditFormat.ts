// The audit log for people: action and outcome codes as words, times to the second, model
// changes with the editor's parameter names, ids named where the screen knows the name.
import type { AuditLogQuery } from '../gql/graphql';
import { STATUS_LABEL } from '../lib/format';
import { LABELS as PARAMETER_LABELS, type Field as Parameter } from '../model/draft';

export type AuditEntry = AuditLogQuery['auditLog'][number];
export interface AuditDetail {
  name: string;
  value: string;
}

/** Every action the API records (foundation/audit.py and its callers). */
const ACTION_LABELS: Record<string, string> = {
  login: 'Sign-in',
  refresh: 'Session refresh',
  logout: 'Sign-out',
  'token.reuse': 'Reused refresh token',
  'user.created': 'User created',
  'user.provisioned': 'User added by the identity provider',
  'user.invited': 'User invited',
  'user.updated': 'User updated',
  'invitation.revoked': 'Invitation withdrawn',
  'apikey.created': 'API key created',
  'apikey.revoked': 'API key revoked',
  'leads.written': 'Leads written',
  'lead.status': 'Lead status changed',
  'scoring.updated': 'Scoring model changed',
  'scoring.rolledBack': 'Scoring model rolled back',
};

const MODEL_ACTIONS = new Set(['scoring.updated', 'scoring.rolledBack']);

const OUTCOME_LABELS: Record<string, string> = {
  failure: 'failed',
  inactive: 'account inactive',
  blocked: 'blocked',
  partial: 'partly rejected',
};

/** Field names as the API words them (`_label` in foundation/audit.py) → what the screen says. */
const FIELD_NAMES: Record<string, string> = {
  'User id': 'User',
  'Key id': 'Ingestion key',
  'Invitation id': 'Invitation',
  'Lead id': 'Lead',
  'Is active': 'Active',
  'Previous is active': 'Previously active',
};

const SOURCES: Record<string, string> = {
  graphql: 'GraphQL API',
  rest: 'REST API',
  import: 'CSV import',
  events: 'Events (POST /events)',
};

const numberFmt = new Intl.NumberFormat('en', { maximumFractionDigits: 6 });
const timeFmt = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });

/** "API key revoked" for `apikey.revoked`; an unknown code as it is. */
export function actionLabel(code: string): string {
  return ACTION_LABELS[code] ?? code;
}

/** null for a success (nothing to flag). */
export function outcomeLabel(outcome: string): string | null {
  if (outcome === 'success') return null;
  return OUTCOME_LABELS[outcome] ?? outcome;
}

export function isModelChange(action: string): boolean {
  return MODEL_ACTIONS.has(action);
}

/** "Nov 27, 2026, 12:00:05 PM UTC": to the second, so events of one minute can be ordered. */
export function formatAuditTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${timeFmt.format(d)} UTC`;
}

/** 7 for 7.0, 0.35 for 0.35, 1,000 for 1000. */
export function formatAuditNumber(n: number): string {
  return numberFmt.format(n);
}

/** "Half-life (days)" for `halfLifeDays`; an unknown parameter as it is. */
export function parameterLabel(parameter: string): string {
  return PARAMETER_LABELS[parameter as Parameter] ?? parameter;
}

interface ModelChangeDetails {
  version?: unknown;
  note?: unknown;
  diff: { parameter: string; before: number; after: number }[];
}

function parseDetails(details: string | undefined): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(details ?? '');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function modelChange(entry: AuditEntry): ModelChangeDetails | null {
  if (!isModelChange(entry.action)) return null;
  const details = parseDetails(entry.details);
  const diff = details?.diff;
  if (!Array.isArray(diff)) return null;
  const valid = diff.every(
    (c: unknown) =>
      !!c &&
      typeof (c as { parameter?: unknown }).parameter === 'string' &&
      typeof (c as { before?: unknown }).before === 'number' &&
      typeof (c as { after?: unknown }).after === 'number',
  );
  return valid ? { ...details, diff: diff as ModelChangeDetails['diff'] } : null;
}

/** The version a model change put in force (to look its note up), or null. */
export function modelVersionOf(entry: AuditEntry): number | null {
  const version = modelChange(entry)?.version;
  return typeof version === 'number' ? version : null;
}

/** The note the event itself carries, if the API put one in its details. */
function noteIn(change: ModelChangeDetails): string | null {
  return typeof change.note === 'string' && change.note.trim() !== '' ? change.note : null;
}

/** Whether the event already says why (no need to look the note up). */
export function carriesNote(entry: AuditEntry): boolean {
  const change = modelChange(entry);
  return !!change && noteIn(change) !== null;
}

export interface DetailContext {
  /** Ingestion key names by id. */
  keyNames: Map<string, string>;
  /** Notes of applied models by version. */
  notes: Map<number, string>;
}

function friendlyValue(name: string, value: string, ctx: DetailContext): string {
  if (name === 'Key id') {
    const keyName = ctx.keyNames.get(value);
    return keyName ? `${keyName} (${value})` : value;
  }
  if (name === 'Source') return SOURCES[value] ?? value;
  if (name === 'Status') return STATUS_LABEL[value.toUpperCase() as keyof typeof STATUS_LABEL] ?? value;
  // Whole numbers stored as floats ("7.0") read as 7.
  return /^-?\d+\.0+$/.test(value) ? value.replace(/\.0+$/, '') : value;
}

/** The event's details as rows for people: a model change parameter by parameter, with its note. */
export function auditDetails(entry: AuditEntry, ctx: DetailContext): AuditDetail[] {
  const change = modelChange(entry);
  if (!change) {
    return entry.fields.map((f) => ({ name: FIELD_NAMES[f.name] ?? f.name, value: friendlyValue(f.name, f.value, ctx) }));
  }
  const rows: AuditDetail[] = [];
  const version = typeof change.version === 'number' ? change.version : null;
  if (version !== null) rows.push({ name: 'Version', value: String(version) });
  const note = noteIn(change) ?? (version !== null ? ctx.notes.get(version) : undefined);
  if (note) rows.push({ name: 'Why', value: note });
  for (const c of change.diff) {
    rows.push({ name: parameterLabel(c.parameter), value: `${formatAuditNumber(c.before)} → ${formatAuditNumber(c.after)}` });
  }
  if (change.diff.length === 0) rows.push({ name: 'Changes', value: 'none (the same parameters again)' });
  return rows;
}
