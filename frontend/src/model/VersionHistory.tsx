import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { formatWhen } from '../admin/request';
import { formatPoints } from '../lib/format';
import { fieldLabel, MAX_NOTE, noteError } from './draft';
import { NoteLength } from './NoteLength';
import { DataTable } from './ReportTables';

export interface HistoryEntry {
  version: number;
  actorId: string | null | undefined;
  actorName?: string | null;
  at: string | null;
  note: string;
  changes: { parameter: string; before: number; after: number }[];
  /** False for the starting model, which the server does not store (rolled back by applying it). */
  stored: boolean;
}

export interface VersionHistoryProps {
  entries: HistoryEntry[];
  inForce: number;
  meId: string | undefined;
  readOnly: boolean;
  /** Rolls back; rejects with a message for people when the server refuses. */
  onRollback: (entry: HistoryEntry, note: string) => Promise<void>;
}

/** Every applied model: who, when, why and the diff of each parameter, with rollback. */
export function VersionHistory({ entries, inForce, meId, readOnly, onRollback }: VersionHistoryProps) {
  const id = useId();
  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h3 id={`${id}-title`} className="text-base font-semibold text-slate-900">
        Version history
      </h3>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-600">No change yet: the model in force is the starting model (version {inForce}).</p>
      ) : (
        <ol className="space-y-3" aria-label="Model versions">
          {entries.map((entry) => (
            <VersionItem
              key={entry.version}
              entry={entry}
              current={entry.version === inForce}
              meId={meId}
              readOnly={readOnly}
              onRollback={onRollback}
            />
          ))}
        </ol>
      )}
    </section>
  );
}

function who(actorId: string | null | undefined, actorName: string | null | undefined, meId: string | undefined): string {
  if (!actorId) return 'the system';
  return actorId === meId ? 'you' : (actorName ?? actorId);
}

function VersionItem({
  entry,
  current,
  meId,
  readOnly,
  onRollback,
}: {
  entry: HistoryEntry;
  current: boolean;
  meId: string | undefined;
  readOnly: boolean;
  onRollback: VersionHistoryProps['onRollback'];
}) {
  const id = useId();
  const [asking, setAsking] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (asking) noteRef.current?.focus();
  }, [asking]);

  function close() {
    setAsking(false);
    setNote('');
    setError(null);
    setTimeout(() => openRef.current?.focus(), 0);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problem = noteError(note);
    if (problem) {
      setError(`Note ${problem}`);
      noteRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onRollback(entry, note.trim());
      setAsking(false);
      setNote('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const title = entry.stored ? `Version ${entry.version}` : `Version ${entry.version} (starting model)`;
  return (
    <li className="min-w-0 rounded-md border border-slate-200 p-3" data-testid={`version-${entry.version}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h4 id={`${id}-title`} className="text-sm font-semibold text-slate-900">
          {title}
          {current && <span className="ml-2 rounded bg-green-100 px-1.5 py-0.5 text-xs font-medium text-green-900">in force</span>}
        </h4>
        {entry.stored && (
          <p className="text-xs text-slate-600 wrap-anywhere">
            by {who(entry.actorId, entry.actorName, meId)} · {formatWhen(entry.at)}
          </p>
        )}
      </div>
      {/* A note may be one unbroken string (a pasted URL): it wraps anywhere rather than widen the page. */}
      <p className="mt-1 text-sm text-slate-800 wrap-anywhere" data-testid="version-note">
        {entry.stored ? <>Note: {entry.note}</> : `The defaults the tenant started with (every other parameter as in version ${entry.version + 1}).`}
      </p>
      {entry.changes.length > 0 ? (
        <div className="mt-2">
          <DataTable
            caption={entry.stored ? `Changes in version ${entry.version}` : `What version ${entry.version + 1} changed`}
            head={['Parameter', entry.stored ? 'Before' : 'Here', entry.stored ? 'After' : `In version ${entry.version + 1}`]}
            rows={entry.changes.map((c) => [fieldLabel(c.parameter), formatPoints(c.before), formatPoints(c.after)])}
          />
        </div>
      ) : (
        entry.stored && <p className="mt-1 text-xs text-slate-600">No parameter changed.</p>
      )}
      {!readOnly && !current && !asking && (
        <button
          ref={openRef}
          type="button"
          onClick={() => setAsking(true)}
          className="mt-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
        >
          Roll back to this version
        </button>
      )}
      {asking && (
        <form onSubmit={(e) => void submit(e)} className="mt-2 space-y-2" noValidate aria-label={`Roll back to version ${entry.version}`}>
          <label htmlFor={`${id}-note`} className="block text-sm font-medium text-slate-800">
            Why roll back to version {entry.version}? (required)
          </label>
          <textarea
            id={`${id}-note`}
            ref={noteRef}
            rows={2}
            value={note}
            maxLength={MAX_NOTE}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-length${error ? ` ${id}-error` : ''}`}
            onChange={(e) => setNote(e.target.value)}
            className="block w-full rounded-md border border-slate-400 px-2 py-1.5 text-sm"
          />
          <NoteLength id={`${id}-length`} length={note.length} />
          {error && (
            <p id={`${id}-error`} role="alert" className="text-sm font-medium text-red-700 wrap-anywhere">
              {error}
            </p>
          )}
          <div className="flex flex-wrap gap-2">
            <button
              type="submit"
              disabled={busy}
              className="rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-60"
            >
              {busy ? 'Rolling back…' : `Roll back to version ${entry.version}`}
            </button>
            <button
              type="button"
              onClick={close}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </li>
  );
}
