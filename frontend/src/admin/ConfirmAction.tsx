import { type RefObject, useId, useLayoutEffect, useRef, useState } from 'react';

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
  const cancelRef = useRef<HTMLButtonElement>(null);
  const actionRef = useRef<HTMLButtonElement>(null);
  useQuestionFocus(confirming, actionRef, cancelRef);

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
    <ConfirmQuestion
      id={id}
      question={question}
      confirmLabel={confirmLabel}
      cancelRef={cancelRef}
      onConfirm={onConfirm}
      onDone={() => setConfirming(false)}
    />
  );
}

/**
 * The focus while a control asks a question: to Cancel when the question opens, back to the
 * control that asked (`trigger`) when it closes, never on the first render.
 */
export function useQuestionFocus(
  asking: boolean,
  trigger: RefObject<HTMLElement | null>,
  cancel: RefObject<HTMLButtonElement | null>,
): void {
  const wasAsking = useRef(false);
  useLayoutEffect(() => {
    if (asking) cancel.current?.focus();
    else if (wasAsking.current) trigger.current?.focus();
    wasAsking.current = asking;
  }, [asking, trigger, cancel]);
}

/**
 * The question of a confirmation: a group named by it with "Yes, …" (busy while `onConfirm`
 * runs) and Cancel (`cancelRef`, to give it the focus); `onDone` after either.
 */
export function ConfirmQuestion({
  id,
  question,
  confirmLabel,
  cancelRef,
  onConfirm,
  onDone,
  tone = 'danger',
  className = '',
  onBusy,
}: {
  id: string;
  question: string;
  confirmLabel: string;
  cancelRef: RefObject<HTMLButtonElement | null>;
  onConfirm: () => Promise<void>;
  onDone: () => void;
  tone?: 'danger' | 'primary';
  className?: string;
  onBusy?: (busy: boolean) => void;
}) {
  const [busy, setBusy] = useState(false);
  const confirmTone = tone === 'danger' ? 'bg-red-700 hover:bg-red-800' : 'bg-blue-700 hover:bg-blue-800';
  return (
    <div role="group" aria-labelledby={`${id}-ask`} className={`flex flex-wrap items-center gap-2 ${className}`}>
      <p id={`${id}-ask`} className="text-sm text-slate-900">
        {question}
      </p>
      <button
        type="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          onBusy?.(true);
          void onConfirm().finally(() => {
            setBusy(false);
            onBusy?.(false);
            onDone();
          });
        }}
        className={`rounded-md px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60 ${confirmTone}`}
      >
        {confirmLabel}
      </button>
      <button
        ref={cancelRef}
        type="button"
        onClick={onDone}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50"
      >
        Cancel
      </button>
    </div>
  );
}
