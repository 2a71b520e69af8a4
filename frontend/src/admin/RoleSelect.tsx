import { useRef, useState } from 'react';
import type { Role } from '../gql/graphql';
import { formatRole } from '../lib/format';
import { ConfirmQuestion, useQuestionFocus } from './ConfirmAction';

export const ROLES: Role[] = ['REP', 'MANAGER', 'ADMIN'];

/** "a Manager", "an Admin". */
function _withArticle(role: Role): string {
  const label = formatRole(role);
  return /^[AEIOU]/.test(label) ? `an ${label}` : `a ${label}`;
}

/**
 * A user's role as a select whose change is only proposed: a question ("Make Tara Trader a
 * Manager?") asks for "Yes, make Manager" or Cancel. A closed select changes its value on an
 * arrow key, so choosing alone must never change a privilege. Cancel puts the role back.
 */
export function RoleSelect({
  id,
  userName,
  role,
  disabled,
  describedBy,
  onConfirm,
}: {
  id: string;
  userName: string;
  role: Role;
  disabled: boolean;
  describedBy?: string;
  onConfirm: (role: Role) => Promise<void>;
}) {
  const [proposed, setProposed] = useState<Role | null>(null);
  const [busy, setBusy] = useState(false);
  const selectRef = useRef<HTMLSelectElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useQuestionFocus(proposed !== null, selectRef, cancelRef);

  return (
    <>
      <label htmlFor={id} className="sr-only">
        Role of {userName}
      </label>
      <select
        ref={selectRef}
        id={id}
        value={proposed ?? role}
        disabled={disabled || busy}
        aria-describedby={describedBy}
        onChange={(e) => {
          const next = e.target.value as Role;
          setProposed(next === role ? null : next);
        }}
        className="rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm disabled:opacity-60"
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {formatRole(r)}
          </option>
        ))}
      </select>
      {proposed && (
        <ConfirmQuestion
          id={id}
          question={`Make ${userName} ${_withArticle(proposed)}?`}
          confirmLabel={`Yes, make ${formatRole(proposed)}`}
          cancelRef={cancelRef}
          onConfirm={() => onConfirm(proposed)}
          onDone={() => setProposed(null)}
          tone="primary"
          className="basis-full"
          onBusy={setBusy}
        />
      )}
    </>
  );
}
