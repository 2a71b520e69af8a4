import { useSyncExternalStore } from 'react';
import { getSessionState, subscribe } from '../auth/session';
import { formatRole } from '../lib/format';
import { useTypedAuthorization } from './typedHeader';

const TYPED = 'A typed Authorization header is in use: queries run as its owner.';

/** The explorer's top line: whom queries run as, or how to run them as yourself. */
export function SessionNotice() {
  const session = useSyncExternalStore(subscribe, getSessionState);
  const typedHeader = useTypedAuthorization();
  if (session.status === 'loading') return null;

  if (typedHeader) {
    return (
      <p role="status" className="explorer-notice">
        <strong>{TYPED}</strong> Remove it from the Headers tab to run queries
        {session.status === 'authenticated' ? ' with your dashboard session' : ' as yourself'}.
      </p>
    );
  }

  if (session.status === 'authenticated' && session.user) {
    return (
      <p role="status" className="explorer-notice">
        Queries run as <strong>{session.user.name}</strong> ({formatRole(session.user.role)}), your dashboard session.
        An Authorization header typed in the Headers tab is sent instead.
      </p>
    );
  }

  return (
    <p role="status" className="explorer-notice explorer-notice-signed-out">
      {session.notice && <strong>{session.notice} </strong>}
      <a href="/" target="_blank" rel="noopener" title="Opens the dashboard in a new tab">
        Sign in to the dashboard
      </a>{' '}
      to run queries as yourself; this page picks up your session once you do. Or paste an Authorization header in
      the Headers tab below.
    </p>
  );
}
