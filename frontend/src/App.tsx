import { useEffect, useSyncExternalStore } from 'react';
import { SWRConfig } from 'swr';
import { getSessionState, logout, restoreSession, subscribe } from './auth/session';
import { AppHeader } from './components/AppHeader';
import { LeadScoringDashboard } from './components/LeadScoringDashboard';
import { LoginPage } from './components/LoginPage';

export function App() {
  const session = useSyncExternalStore(subscribe, getSessionState);

  useEffect(() => {
    // On load, exchange the httpOnly refresh cookie for an access token so a
    // reload keeps the user signed in.
    if (getSessionState().status === 'loading') void restoreSession();
  }, []);

  useEffect(() => {
    if (session.status === 'authenticated') document.title = 'Leads · Leadscore';
  }, [session.status]);

  if (session.status === 'loading') {
    return (
      <main id="main" className="flex min-h-screen items-center justify-center">
        <p role="status" className="text-sm text-slate-600">
          Loading…
        </p>
      </main>
    );
  }

  if (session.status === 'anonymous' || !session.user) {
    return <LoginPage notice={session.notice} />;
  }

  return (
    // A fresh SWR cache per sign-in: one user's data never shows for the next.
    <SWRConfig key={session.generation} value={{ provider: () => new Map() }}>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:shadow"
      >
        Skip to content
      </a>
      <AppHeader user={session.user} onSignOut={logout} />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        <LeadScoringDashboard />
      </main>
    </SWRConfig>
  );
}

export default App;
