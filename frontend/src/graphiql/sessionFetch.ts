import { endExpiredSession, getAccessToken, getSessionState, refreshSession, subscribe } from '../auth/session';

type Fetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** Resolves once the session restored at start-up is known, signed in or not. */
function sessionSettled(): Promise<void> {
  if (getSessionState().status !== 'loading') return Promise.resolve();
  return new Promise((resolve) => {
    const stop = subscribe(() => {
      if (getSessionState().status === 'loading') return;
      stop();
      resolve();
    });
  });
}

/** True when the request already carries an Authorization header (typed in the Headers editor). */
function hasTypedAuthorization(init: RequestInit | undefined): boolean {
  return Boolean(new Headers(init?.headers).get('authorization')?.trim());
}

function withBearer(init: RequestInit | undefined, token: string): RequestInit {
  const headers = new Headers(init?.headers);
  headers.set('Authorization', `Bearer ${token}`);
  return { ...init, headers };
}

/** The server's message when it refused the caller (HTTP 401 or an UNAUTHENTICATED error), else null. */
async function refusal(res: Response): Promise<string | null> {
  const fallback = res.status === 401 ? 'Unauthenticated' : null;
  if (!(res.headers.get('content-type') ?? '').includes('json')) return fallback;
  try {
    const body = (await res.clone().json()) as { errors?: { message?: string; extensions?: { code?: string } }[] };
    const error = body?.errors?.find((e) => e?.extensions?.code === 'UNAUTHENTICATED');
    return error ? (error.message ?? 'Unauthenticated') : fallback;
  } catch {
    return fallback;
  }
}

/**
 * `fetch` for GraphiQL that runs queries as the dashboard's signed-in user: it sends the
 * session's access token unless the user typed an Authorization header (theirs wins), and on
 * a refusal renews the session once — or takes the token another tab renewed meanwhile — and
 * retries. When the session cannot be renewed it ends, and the explorer says so.
 */
export function createSessionFetch(send: Fetch = (input, init) => fetch(input, init)): Fetch {
  return async (input, init) => {
    if (hasTypedAuthorization(init)) return send(input, init);
    await sessionSettled();
    const token = getAccessToken();
    if (!token) return send(input, init);
    const first = await send(input, withBearer(init, token));
    const refused = await refusal(first);
    if (refused === null) return first;
    const current = getAccessToken();
    const renewed = (current !== null && current !== token) || (await refreshSession());
    const next = getAccessToken();
    if (!renewed || !next) {
      endExpiredSession(refused);
      return first;
    }
    const retry = await send(input, withBearer(init, next));
    const refusedAgain = await refusal(retry);
    if (refusedAgain !== null) endExpiredSession(refusedAgain);
    return retry;
  };
}
