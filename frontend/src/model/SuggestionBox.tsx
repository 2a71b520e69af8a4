import { useEffect, useRef, useState } from 'react';
import { describeError, gqlRequest } from '../api/client';
import type { ModelSuggestionStatusQuery, StartModelSuggestionMutation } from '../gql/graphql';
import { formatWhen } from '../admin/request';
import { MODEL_SUGGESTION_QUERY, START_MODEL_SUGGESTION_MUTATION } from './operations';
import { formatAuc } from './ReportTables';

export type Suggestion = ModelSuggestionStatusQuery['modelSuggestion'];
export type SuggestedConfig = NonNullable<Suggestion['config']>;

/** How often to ask whether the fit is done. */
export const SUGGESTION_POLL_MS = 1000;

export interface SuggestionBoxProps {
  /** Fills the form with the suggested model. */
  onUse: (config: SuggestedConfig) => void;
  pollMs?: number;
}

/** "Use suggestion": starts the fit, shows its status while it runs, fills the form when ready. */
export function SuggestionBox({ onUse, pollMs = SUGGESTION_POLL_MS }: SuggestionBoxProps) {
  const [job, setJob] = useState<Suggestion | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [asking, setAsking] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const alive = useRef(true);
  const onUseRef = useRef(onUse);
  onUseRef.current = onUse;

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      if (timer.current) clearTimeout(timer.current);
    };
  }, []);

  function settle(next: Suggestion) {
    if (!alive.current) return;
    setJob(next);
    if (next.status === 'pending') {
      timer.current = setTimeout(() => void poll(), pollMs);
      return;
    }
    setAsking(false);
    if (next.status === 'ready' && next.config) onUseRef.current(next.config);
  }

  async function poll() {
    try {
      const data = await gqlRequest<ModelSuggestionStatusQuery>(MODEL_SUGGESTION_QUERY);
      settle(data.modelSuggestion);
    } catch (err) {
      if (!alive.current) return;
      setError(err);
      setAsking(false);
    }
  }

  async function start() {
    if (timer.current) clearTimeout(timer.current);
    setError(null);
    setAsking(true);
    try {
      const data = await gqlRequest<StartModelSuggestionMutation>(START_MODEL_SUGGESTION_MUTATION);
      settle(data.startModelSuggestion);
    } catch (err) {
      if (!alive.current) return;
      setError(err);
      setAsking(false);
    }
  }

  const status = job?.status;
  return (
    <div className="space-y-2" data-testid="suggestion" data-status={status ?? 'none'}>
      <button
        type="button"
        onClick={() => void start()}
        disabled={asking}
        aria-busy={asking || undefined}
        className="rounded-md border border-blue-700 bg-white px-3 py-1.5 text-sm font-medium text-blue-800 hover:bg-blue-50 disabled:opacity-60"
      >
        {asking ? 'Fitting a model…' : 'Use suggestion'}
      </button>
      <div role="status" className="text-sm text-slate-700">
        {error != null && <p className="text-red-800">The suggestion could not be loaded: {describeError(error)}</p>}
        {status === 'pending' && <p>Fitting a model to your won and lost leads (started {formatWhen(job!.startedAt)})…</p>}
        {status === 'thin-data' && (
          <p className="text-amber-900">
            Not enough outcomes to suggest a model{job!.reason ? `: ${job!.reason}` : ''}. Record more won and lost
            deals, then try again.
          </p>
        )}
        {status === 'failed' && <p className="text-red-800">The fit failed{job!.reason ? `: ${job!.reason}` : ''}. Try again.</p>}
        {status === 'ready' && (
          <p>
            The suggested model is in the form (cross-validated AUC {formatAuc(job!.cvAuc)}). Check the preview, then
            apply it with a note.
          </p>
        )}
      </div>
      {status === 'ready' && job!.explanation.length > 0 && (
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700" aria-label="Why this suggestion">
          {job!.explanation.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
