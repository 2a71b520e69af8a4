import { useState, type MouseEvent } from 'react';
import { useMe } from '../api/hooks';
import { canUseExplorer } from '../auth/roles';
import type { AuthUser } from '../auth/session';
import { isAdmin, navigate } from '../hooks/usePath';
import { formatRole } from '../lib/format';
import { PAGE_WIDTH, type Screen } from '../lib/layout';

function NavLink({ href, current, children }: { href: string; current: boolean; children: string }) {
  return (
    <a
      href={href}
      aria-current={current ? 'page' : undefined}
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
        e.preventDefault();
        navigate(href);
      }}
      className={`rounded-md px-2 py-1 text-sm font-medium ${
        current ? 'bg-blue-50 text-blue-900' : 'text-slate-700 hover:bg-slate-100'
      }`}
    >
      {children}
    </a>
  );
}

export function AppHeader({
  user,
  onSignOut,
  current = 'leads',
}: {
  user: AuthUser;
  onSignOut: () => Promise<void>;
  current?: Screen;
}) {
  // The dashboard's one view request brings `me`; other pages ask for it themselves.
  const me = useMe(current !== 'leads');
  const [signingOut, setSigningOut] = useState(false);
  const name = me.data?.name ?? user.name;
  const rawRole = me.data?.role ?? user.role;
  const role = formatRole(rawRole);
  const tenant = me.data?.tenantName;

  return (
    <header className="border-b border-slate-200 bg-white">
      <div className={`mx-auto flex flex-wrap items-center justify-between gap-x-3 gap-y-1 py-2 sm:py-3 ${PAGE_WIDTH[current]}`}>
        <div className="flex flex-wrap items-baseline gap-3">
          <h1 className="text-lg font-bold tracking-tight text-blue-800">Leadscore</h1>
          {tenant && <span className="hidden text-sm text-slate-600 sm:inline">{tenant}</span>}
          <nav aria-label="Main" className="flex gap-1">
            <NavLink href="/" current={current === 'leads'}>
              Leads
            </NavLink>
            <NavLink href="/model" current={current === 'model'}>
              Model
            </NavLink>
            {isAdmin(user.role) && (
              <NavLink href="/admin" current={current === 'admin'}>
                Admin
              </NavLink>
            )}
          </nav>
        </div>
        <div className="flex flex-wrap items-center justify-end gap-3">
          {canUseExplorer(rawRole) && (
            // GraphiQL is its own page (GET /graphql); it runs queries with this same session.
            <a
              href="/graphql"
              target="_blank"
              rel="noopener"
              title="Opens in a new tab"
              className="rounded-md px-2 py-1 text-sm font-medium text-blue-800 underline-offset-2 hover:bg-slate-100 hover:underline"
            >
              {/* "GraphQL" alone on small screens keeps the header to two lines */}
              GraphQL <span className="sr-only sm:not-sr-only">explorer</span>{' '}
              <span className="sr-only">(opens in a new tab)</span>
            </a>
          )}
          <p className="text-right text-sm leading-tight" data-testid="current-user">
            <span className="block font-medium text-slate-900">{name}</span>
            <span className="hidden text-xs text-slate-600 sm:block">{role}</span>
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
