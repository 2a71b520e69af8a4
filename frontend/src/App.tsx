import { lazy, type MouseEvent, Suspense, useEffect, useSyncExternalStore } from 'react';
import { SWRConfig } from 'swr';
import { getSessionState, logout, restoreSession, subscribe } from './auth/session';
import { AppHeader } from './components/AppHeader';
import { LeadScoringDashboard } from './components/LeadScoringDashboard';
import { LoginPage } from './components/LoginPage';
import { SkipLink } from './components/SkipLink';
import { isAdmin, navigate, usePath } from './hooks/usePath';
import { PAGE_WIDTH } from './lib/layout';

// The admin screens load only when an admin opens them: the dashboard entry stays small.
const AdminPage = lazy(() => import('./admin/AdminPage'));
// The model editor (every role; reps read only) is its own chunk too.
const ModelPage = lazy(() => import('./model/ModelPage'));
// Where an invitation link (/accept-invite#token=…) lands, signed in or not.
const AcceptInvitePage = lazy(() => import('./admin/AcceptInvitePage'));

const loading = (what: string) => (
  <main id="main" className="flex min-h-screen items-center justify-center">
    <p role="status" className="text-sm text-slate-600">
      {what}
    </p>
  </main>
);

const TITLES = {
  admin: 'Admin · Leadscore',
  model: 'Model · Leadscore',
  leads: 'Leads · Leadscore',
  notFound: 'Page not found · Leadscore',
} as const;

/** The dashboard's screens by path (the API serves index.html for every path). */
const KNOWN_PATHS = new Set(['/', '/index.html', '/model', '/admin']);

function _toLeads(e: MouseEvent<HTMLAnchorElement>) {
  if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
  e.preventDefault();
  navigate('/');
}

/** A path the dashboard has no screen for: say so, with the way to the leads. */
function PageNotFound() {
  return (
    <section aria-labelledby="not-found" className="mx-auto max-w-md space-y-2 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h2 id="not-found" className="text-lg font-semibold text-slate-900">
        Page not found
      </h2>
      <p className="text-sm text-slate-700">There is no page at this address. It may have moved, or the link may be mistyped.</p>
      <a href="/" onClick={_toLeads} className="inline-block text-sm font-medium text-blue-800 underline underline-offset-2">
        Go to the leads
      </a>
    </section>
  );
}

/** /admin for a signed-in user who is not an admin: say so, with a way back. */
function AdminsOnly() {
  return (
    <section aria-labelledby="admins-only" className="mx-auto max-w-md space-y-2 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h2 id="admins-only" className="text-lg font-semibold text-slate-900">
        Admins only
      </h2>
      <p className="text-sm text-slate-700">Administration is open to admins of this workspace. Ask an admin if you need a change there.</p>
      <a
        href="/"
        onClick={_toLeads}
        className="inline-block text-sm font-medium text-blue-800 underline underline-offset-2"
      >
        Back to the leads
      </a>
    </section>
  );
}

export function App() {
  const session = useSyncExternalStore(subscribe, getSessionState);
  const path = usePath();
  const admin = session.user ? isAdmin(session.user.role) : false;
  const onAdmin = admin && path === '/admin';
  // Anyone else at /admin is told the page is for admins (the API refuses them anyway).
  const deniedAdmin = !admin && path === '/admin';
  const onModel = path === '/model';
  const notFound = !KNOWN_PATHS.has(path);
  const screen = onAdmin || deniedAdmin ? 'admin' : onModel ? 'model' : notFound ? 'notFound' : 'leads';

  useEffect(() => {
    // On load, exchange the httpOnly refresh cookie for an access token so a
    // reload keeps the user signed in.
    if (getSessionState().status === 'loading') void restoreSession();
  }, []);

  useEffect(() => {
    if (session.status === 'authenticated') document.title = TITLES[screen];
  }, [session.status, screen]);

  if (path === '/accept-invite') {
    return (
      <Suspense fallback={loading('Loading…')}>
        <AcceptInvitePage />
      </Suspense>
    );
  }

  if (session.status === 'loading') return loading('Loading…');

  if (session.status === 'anonymous' || !session.user) {
    return <LoginPage notice={session.notice} />;
  }

  return (
    // A fresh SWR cache per sign-in: one user's data never shows for the next.
    <SWRConfig key={session.generation} value={{ provider: () => new Map() }}>
      <SkipLink targetId="main" className="focus:absolute focus:left-2 focus:top-2 focus:z-50">
        Skip to main content
      </SkipLink>
      <AppHeader user={session.user} onSignOut={logout} current={screen} />
      <main id="main" tabIndex={-1} className={`mx-auto py-6 focus:outline-none ${PAGE_WIDTH[screen]}`}>
        {onAdmin ? (
          <Suspense
            fallback={
              <p role="status" className="text-sm text-slate-600">
                Loading admin…
              </p>
            }
          >
            <AdminPage />
          </Suspense>
        ) : deniedAdmin ? (
          <AdminsOnly />
        ) : onModel ? (
          <Suspense
            fallback={
              <p role="status" className="text-sm text-slate-600">
                Loading the model…
              </p>
            }
          >
            <ModelPage />
          </Suspense>
        ) : notFound ? (
          <PageNotFound />
        ) : (
          <LeadScoringDashboard />
        )}
      </main>
    </SWRConfig>
  );
}

export default App;
