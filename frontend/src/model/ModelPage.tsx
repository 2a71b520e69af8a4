import { useEffect, useId, useMemo, useState } from 'react';
import useSWR from 'swr';
import { describeError, gqlRequest } from '../api/client';
import { adminError } from '../admin/request';
import { getSessionState } from '../auth/session';
import type {
  ModelInForceQuery,
  ModelVersionsQuery,
  RollbackModelMutation,
  RollbackModelMutationVariables,
  ScoringConfigInput,
  UpdateModelMutation,
  UpdateModelMutationVariables,
} from '../gql/graphql';
import { ApplyForm } from './ApplyForm';
import {
  draftOf,
  fieldLabel,
  flaggedFields,
  inputOf,
  LABELS,
  noteError,
  sameModel,
  serverFieldErrors,
  validate,
  type Draft,
  type Field,
  type FieldErrors,
} from './draft';
import { historyOf } from './history';
import { ModelReportSection } from './ModelReportSection';
import { MODEL_IN_FORCE_QUERY, MODEL_VERSIONS_QUERY, ROLLBACK_MODEL_MUTATION, UPDATE_MODEL_MUTATION } from './operations';
import { ParameterForm } from './ParameterForm';
import { PreviewPanel } from './PreviewPanel';
import { SuggestionBox } from './SuggestionBox';
import { usePreview } from './usePreview';
import { VersionHistory, type HistoryEntry } from './VersionHistory';

type Model = ModelInForceQuery['scoringConfig'];

const swrOptions = { revalidateOnFocus: false, shouldRetryOnError: false } as const;

/** Managers and admins change the model; reps read it. */
export function canChangeModel(role: string | undefined): boolean {
  const r = (role ?? '').toLowerCase();
  return r === 'manager' || r === 'admin';
}

/** The manager's model editor (lazy-loaded at /model): model in force, edit, preview, apply, history. */
export default function ModelPage({ suggestionPollMs }: { suggestionPollMs?: number }) {
  const id = useId();
  const user = getSessionState().user;
  const canEdit = canChangeModel(user?.role);
  const config = useSWR('ModelInForce', () => gqlRequest<ModelInForceQuery>(MODEL_IN_FORCE_QUERY), swrOptions);
  const versions = useSWR('ModelVersions', () => gqlRequest<ModelVersionsQuery>(MODEL_VERSIONS_QUERY), swrOptions);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    document.title = 'Model · Leadscore';
  }, []);

  const model = config.data?.scoringConfig;
  const history = useMemo(() => historyOf(versions.data?.scoringConfigVersions ?? []), [versions.data]);

  async function refresh(message: string) {
    await Promise.all([config.mutate(), versions.mutate()]);
    setNotice(message);
  }

  async function rollback(entry: HistoryEntry, note: string) {
    try {
      let version: number;
      if (entry.stored) {
        const data = await gqlRequest<RollbackModelMutation, RollbackModelMutationVariables>(ROLLBACK_MODEL_MUTATION, {
          version: entry.version,
          note,
        });
        version = data.rollbackScoringConfig.version;
      } else {
        const input = history.starting as ScoringConfigInput;
        const data = await gqlRequest<UpdateModelMutation, UpdateModelMutationVariables>(UPDATE_MODEL_MUTATION, { input, note });
        version = data.updateScoringConfig.version;
      }
      await refresh(`Rolled back: version ${version}, with the parameters of version ${entry.version}, is in force.`);
    } catch (err) {
      const fields = serverFieldErrors(err);
      throw new Error(fields ? Object.entries(fields).map(([f, m]) => `${fieldLabel(f)} ${m}`).join('; ') : adminError(err));
    }
  }

  return (
    <section aria-labelledby={`${id}-title`} className="space-y-5">
      <div className="space-y-1">
        <h2 id={`${id}-title`} className="text-xl font-semibold text-slate-900">
          Scoring model
        </h2>
        <p className="text-sm text-slate-700">
          How scores are computed: each activity’s weight and cap, how fast a score decays, and where the tiers begin.
        </p>
        {!canEdit && (
          <p className="rounded-md border border-slate-300 bg-slate-50 px-3 py-2 text-sm text-slate-800" data-testid="read-only">
            Only managers and admins can change the model. You can read it and its history here.
          </p>
        )}
      </div>
      <p role="status" className="text-sm font-medium text-green-800" data-testid="model-notice">
        {notice}
      </p>
      {config.error != null && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          The model could not be loaded: {describeError(config.error)}
        </p>
      )}
      {!model && config.error == null && (
        <p role="status" className="text-sm text-slate-600">
          Loading the model…
        </p>
      )}
      {model && (
        <ModelEditor
          key={model.version}
          model={model}
          canEdit={canEdit}
          suggestionPollMs={suggestionPollMs}
          onApplied={(version) => refresh(`Applied: version ${version} is in force and every lead is re-scored.`)}
        />
      )}
      {model && canEdit && <ModelReportSection version={model.version} />}
      {model && !canEdit && (
        <p className="text-sm text-slate-600">The accuracy report, the preview and the suggested model are shown to managers and admins.</p>
      )}
      {versions.error != null && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          The version history could not be loaded: {describeError(versions.error)}
        </p>
      )}
      {model && versions.data && (
        <VersionHistory entries={history.entries} inForce={model.version} meId={user?.userId} readOnly={!canEdit} onRollback={rollback} />
      )}
    </section>
  );
}

function ModelInForce({ model }: { model: Model }) {
  const f = (n: number) => String(Number(n.toPrecision(12)));
  return (
    <p className="text-sm text-slate-800" data-testid="model-in-force">
      <span className="font-semibold">In force: version {model.version}</span> — weights {f(model.weights.emailOpens)} /{' '}
      {f(model.weights.websiteVisits)} / {f(model.weights.timeSpent)} (opens / visits / time), caps {f(model.caps.emailOpens)} /{' '}
      {f(model.caps.websiteVisits)} / {f(model.caps.timeSpent)} s, half-life {f(model.halfLifeDays)} days, hot ≥{' '}
      {f(model.thresholds.hot)}, warm ≥ {f(model.thresholds.warm)}.
    </p>
  );
}

function ModelEditor({
  model,
  canEdit,
  suggestionPollMs,
  onApplied,
}: {
  model: Model;
  canEdit: boolean;
  suggestionPollMs: number | undefined;
  onApplied: (version: number) => Promise<void>;
}) {
  const id = useId();
  const inForce = useMemo(() => draftOf(model), [model]);
  const [draft, setDraft] = useState<Draft>(inForce);
  const [note, setNote] = useState('');
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [showNoteError, setShowNoteError] = useState(false);
  const [applyError, setApplyError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const clientErrors = useMemo(() => validate(draft), [draft]);
  const valid = Object.keys(clientErrors).length === 0;
  const changed = !sameModel(draft, model);
  const preview = usePreview(canEdit && valid && changed ? inputOf(draft) : null);
  const previewFieldErrors = serverFieldErrors(preview.error) ?? {};
  const errors: FieldErrors = { ...serverErrors, ...previewFieldErrors, ...clientErrors };
  const noteProblem = showNoteError ? (serverErrors.note ?? noteError(note) ?? undefined) : undefined;
  const listed = Object.entries(errors).filter(([name, message]) => name !== 'note' && message) as [string, string][];
  const flagged = flaggedFields(errors).length;

  function change(field: Field, value: string) {
    setDraft((d) => ({ ...d, [field]: value }));
    setServerErrors({});
    setApplyError(null);
  }

  async function apply() {
    setShowNoteError(true);
    setApplyError(null);
    if (!valid || noteError(note)) return;
    if (!changed) {
      setApplyError('Nothing to apply: the form equals the model in force. Change a parameter first.');
      return;
    }
    setBusy(true);
    try {
      const data = await gqlRequest<UpdateModelMutation, UpdateModelMutationVariables>(UPDATE_MODEL_MUTATION, {
        input: inputOf(draft),
        note: note.trim(),
      });
      await onApplied(data.updateScoringConfig.version);
    } catch (err) {
      const fields = serverFieldErrors(err);
      if (fields) setServerErrors(fields);
      else setApplyError(adminError(err));
    } finally {
      setBusy(false);
    }
  }

  const idle = !canEdit ? null : !valid ? 'Fix the fields marked in red to see a preview.' : !changed ? 'Change a parameter to preview its effect.' : null;
  return (
    <div className="space-y-5">
      <ModelInForce model={model} />
      <section aria-labelledby={`${id}-title`} className="space-y-3">
        <div className="flex flex-wrap items-start justify-between gap-3">
          <h3 id={`${id}-title`} className="text-base font-semibold text-slate-900">
            {canEdit ? 'Edit the model' : 'Parameters'}
          </h3>
          {canEdit && (
            <button
              type="button"
              disabled={!changed}
              onClick={() => {
                setDraft(inForce);
                setServerErrors({});
              }}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60"
            >
              Reset to the model in force
            </button>
          )}
        </div>
        {listed.length > 0 && (
          <div role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="error-summary">
            <p className="font-medium">
              {flagged <= 1 ? 'One field needs attention:' : `${flagged} fields need attention:`}
            </p>
            <ul className="list-disc pl-5">
              {listed.map(([name, message]) => (
                <li key={name}>{name in LABELS ? `${fieldLabel(name)} ${message}` : `${fieldLabel(name)}: ${message}`}</li>
              ))}
            </ul>
          </div>
        )}
        <ParameterForm draft={draft} inForce={inForce} errors={errors} readOnly={!canEdit} onChange={change} />
        {canEdit && (
          <SuggestionBox
            onUse={(config) => {
              setDraft(draftOf(config));
              setServerErrors({});
              setApplyError(null);
            }}
            pollMs={suggestionPollMs}
          />
        )}
      </section>
      {canEdit && <PreviewPanel preview={preview} idle={idle} />}
      {canEdit && (
        <>
          <ApplyForm note={note} noteError={noteProblem} busy={busy} onNote={(text) => {
              setNote(text);
              setServerErrors((e) => ({ ...e, note: undefined }));
            }} onApply={() => void apply()} />
          {applyError && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {applyError}
            </p>
          )}
        </>
      )}
    </div>
  );
}
