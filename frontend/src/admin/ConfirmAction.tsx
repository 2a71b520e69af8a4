import { useEffect, useId, useRef, useState } from 'react';

/**
 * A destructive action asked twice: a button (named for what it acts on, e.g. "Revoke hubspot-sync"),
 * then a group named by its question with "Yes, …" and Cancel. Cancel has the focus while asking;
 * the button gets it back after (unless the row went away).
 */
export function ConfirmAction({
  label,
  accessibleName,
  question,
  confirmLabel,
  onConfirm,
}: {
  /** The button's text ("Revoke"). */
  label: string;
  /** The button's accessible name ("Revoke hubspot-sync"). */
  accessibleName: string;
  /** What is asked ("Revoke hubspot-sync? Clients using it stop at once."); names the group. */
  question: string;
  /** The confirming button's text ("Yes, revoke"). */
  confirmLabel: string;
  onConfirm: () => Promise<void>;
}) {
  const id = useId();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const actionRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
    else if (wasConfirming.current) actionRef.current?.focus();
    wasConfirming.current = confirming;
  }, [confirming]);

  if (!confirming) {
    return (
      <button
        ref={actionRef}
        type="button"
        aria-label={accessibleName}
        onClick={() => setConfirming(true)}
        className="rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm font-medium text-red-800 hover:bg-red-50"
      >
        {label}
      </button>
    );
  }
  return (
    <div role="group" aria-labelledby={`${id}-ask`} className="flex flex-wrap items-center gap-2">
      <p id={`${id}-ask`} className="text-sm text-slate-900">
        {question}
      </p>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void onConfirm().finally(() => {
            setBusy(false);
            setConfirming(false);
          });
        }}
        className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60"
      >
        {confirmLabel}
      </button>
      <button
        ref={cancelRef}
        type="button"
        onClick={() => setConfirming(false)}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
      >
        Cancel
      </button>
    </div>
  );
}
