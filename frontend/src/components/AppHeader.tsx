import { useState } from 'react';
import { useMe } from '../api/hooks';
import type { AuthUser } from '../auth/session';
import { formatRole } from '../lib/format';

export function AppHeader({ user, onSignOut }: { user: AuthUser; onSignOut: () => Promise<void> }) {
  const me = useMe();
  const [signingOut, setSigningOut] = useState(false);
  const name = me.data?.me.name ?? user.name;
  const role = formatRole(me.data?.me.role ?? user.role);
  const tenant = me.data?.me.tenantName;

  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3">
        <div className="flex items-baseline gap-3">
          <h1 className="text-lg font-bold tracking-tight text-blue-800">Leadscore</h1>
          {tenant && <span className="text-sm text-slate-600">{tenant}</span>}
        </div>
        <div className="flex items-center gap-3">
          <p className="text-right text-sm leading-tight" data-testid="current-user">
            <span className="block font-medium text-slate-900">{name}</span>
            <span className="block text-xs text-slate-600">{role}</span>
          </p>
          <button
            type="button"
            disabled={signingOut}
            onClick={() => {
              setSigningOut(true);
              void onSignOut().finally(() => setSigningOut(false));
            }}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 disabled:opacity-50"
          >
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
