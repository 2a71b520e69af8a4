import { MAX_NOTE } from './draft';

/**
 * The note's length against its limit, under a note field. The field stops at MAX_NOTE
 * characters (`maxLength`, a paste is cut there too), so reaching it is said out loud.
 */
export function NoteLength({ id, length }: { id: string; length: number }) {
  const full = length >= MAX_NOTE;
  return (
    <p id={id} className={`text-xs ${full ? 'font-medium text-amber-900' : 'text-slate-600'}`} data-testid="note-length">
      <span className="tabular-nums">
        {length} / {MAX_NOTE} characters
      </span>
      {/* Announced once, when the limit is reached (not at every keystroke). */}
      <span role="status">{full ? ` — the limit: anything past ${MAX_NOTE} characters was not kept.` : ''}</span>
    </p>
  );
}
