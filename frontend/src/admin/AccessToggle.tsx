import { useLayoutEffect, useRef, useState } from 'react';
import { ConfirmQuestion, useQuestionFocus } from './ConfirmAction';

/**
 * A user's access as one button. "Deactivate" only asks ("Deactivate Rex Rep? …" with "Yes,
 * deactivate" or Cancel): it signs them out at once. "Reactivate" restores access in one click.
 * The button keeps the focus across both (its words change, the element stays).
 */
export function AccessToggle({
  id,
  userName,
  isActive,
  disabled,
  describedBy,
  onChange,
}: {
  id: string;
  userName: string;
  isActive: boolean;
  disabled: boolean;
  describedBy?: string;
  onChange: (isActive: boolean) => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(0);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useQuestionFocus(asking, buttonRef, cancelRef);

  // Disabled while the change is sent (a disabled button loses the focus): give it back after.
  useLayoutEffect(() => {
    if (done) buttonRef.current?.focus();
  }, [done]);

  const verb = isActive ? 'Deactivate' : 'Reactivate';
  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        disabled={disabled || busy}
        aria-describedby={describedBy}
        aria-label={`${verb} ${userName}`}
        onClick={() => (isActive ? setAsking(true) : void onChange(true).finally(() => setDone((n) => n + 1)))}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-60"
      >
        {verb}
      </button>
      {asking && (
        <ConfirmQuestion
          id={`${id}-access`}
          question={`Deactivate ${userName}? They are signed out at once and cannot sign in until reactivated.`}
          confirmLabel="Yes, deactivate"
          cancelRef={cancelRef}
          onConfirm={() => onChange(false)}
          onDone={() => setAsking(false)}
          className="basis-full"
          onBusy={setBusy}
        />
      )}
    </>
  );
}
