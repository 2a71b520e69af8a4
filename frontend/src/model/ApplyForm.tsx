import { useId, type FormEvent } from 'react';
import { MAX_NOTE } from './draft';
import { NoteLength } from './NoteLength';

export interface ApplyFormProps {
  note: string;
  noteError: string | undefined;
  busy: boolean;
  onNote: (note: string) => void;
  onApply: () => void;
}

/** The note (required) and the Apply button. */
export function ApplyForm({ note, noteError, busy, onNote, onApply }: ApplyFormProps) {
  const id = useId();
  function submit(e: FormEvent) {
    e.preventDefault();
    onApply();
  }
  return (
    <form onSubmit={submit} noValidate className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="text-base font-semibold text-slate-900">
        Apply
      </h3>
      <label htmlFor={`${id}-note`} className="block text-sm font-medium text-slate-800">
        Note: why the model changes (required)
      </label>
      <textarea
        id={`${id}-note`}
        rows={2}
        value={note}
        maxLength={MAX_NOTE}
        aria-invalid={noteError ? true : undefined}
        aria-describedby={`${id}-help ${id}-length${noteError ? ` ${id}-error` : ''}`}
        onChange={(e) => onNote(e.target.value)}
        className={`block w-full rounded-md border px-2 py-1.5 text-sm ${noteError ? 'border-red-600' : 'border-slate-400'}`}
      />
      <NoteLength id={`${id}-length`} length={note.length} />
      <p id={`${id}-help`} className="text-xs text-slate-600">
        Kept with the version in the history. Every lead is re-scored under the new model at once.
      </p>
      {noteError && (
        <p id={`${id}-error`} className="text-sm font-medium text-red-700">
          Note {noteError}
        </p>
      )}
      <button
        type="submit"
        disabled={busy}
        className="rounded-md bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-60"
      >
        {busy ? 'Applying…' : 'Apply model'}
      </button>
    </form>
  );
}
