import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  __resetSessionForTests,
  __setSessionForTests,
  getAccessToken,
  getSessionState,
  logout,
  restoreSession,
  SESSION_CHANNEL,
} from '../auth/session';
import { AUTH_PAYLOAD, json } from '../test/fakeApi';
import { createSessionFetch } from './sessionFetch';

const ME = { data: { me: { name: 'Maria Manager', role: 'MANAGER' } } };
const UNAUTHENTICATED = { data: null, errors: [{ message: 'authentication required', extensions: { code: 'UNAUTHENTICATED' } }] };

interface FakeServer {
  fetchMock: ReturnType<typeof vi.fn>;
  /** The Authorization header of each POST /graphql, in order (null when none). */
  sent: (string | null)[];
  authCalls: string[];
}

function fakeServer({
  graphql = () => json(ME),
  refresh = () => json({ ...AUTH_PAYLOAD, accessToken: 'access-2' }),
}: { graphql?: (call: number) => Response; refresh?: () => Response } = {}): FakeServer {
  const server: FakeServer = { fetchMock: vi.fn(), sent: [], authCalls: [] };
  server.fetchMock.mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.startsWith('/auth/')) {
      server.authCalls.push(url);
      return url === '/auth/refresh' ? refresh() : new Response(null, { status: 204 });
    }
    server.sent.push(new Headers(init?.headers).get('authorization'));
    return graphql(server.sent.length);
  });
  vi.stubGlobal('fetch', server.fetchMock);
  return server;
}

/** GraphiQL's fetcher as the explorer builds it; its answer (the first one, for incremental delivery). */
async function runQuery(headers: Record<string, string> = {}): Promise<unknown> {
  const fetcher = createGraphiQLFetcher({ url: '/graphql', fetch: createSessionFetch() });
  const result = await fetcher({ query: '{ me { name role } }', operationName: null }, { headers, documentAST: undefined });
  if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
    return (await (result as AsyncIterableIterator<unknown>).next()).value;
  }
  return result;
}

beforeEach(() => __resetSessionForTests('loading'));

afterEach(() => {
  __resetSessionForTests('loading');
  vi.unstubAllGlobals();
});

describe('the explorer runs queries with the dashboard session', () => {
  it('sends the session’s access token, once the start-up restore has settled', async () => {
    const server = fakeServer({ refresh: () => json(AUTH_PAYLOAD) });
    const answer = runQuery();
    void restoreSession();
    await expect(answer).resolves.toEqual(ME);
    expect(server.authCalls).toEqual(['/auth/refresh']);
    expect(server.sent).toEqual(['Bearer access-1']);
  });

  it('an Authorization header typed by the user wins over the session’s', async () => {
    __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
    const server = fakeServer({ graphql: () => json(UNAUTHENTICATED) });
    await expect(runQuery({ authorization: 'Bearer pasted' })).resolves.toEqual(UNAUTHENTICATED);
    expect(server.sent).toEqual(['Bearer pasted']);
    // The user's token was refused, not the session's: nothing is renewed or ended.
    expect(server.authCalls).toEqual([]);
    expect(getSessionState().status).toBe('authenticated');
  });

  it('without a session, sends no token and never asks for a refresh', async () => {
    __resetSessionForTests('anonymous');
    const server = fakeServer({ graphql: () => json(UNAUTHENTICATED) });
    await expect(runQuery()).resolves.toEqual(UNAUTHENTICATED);
    expect(server.sent).toEqual([null]);
    expect(server.authCalls).toEqual([]);
  });

  it.each([
    ['an UNAUTHENTICATED error', () => json(UNAUTHENTICATED)],
    ['HTTP 401', () => json({ error: { code: 'UNAUTHENTICATED', message: 'token expired' } }, 401)],
  ])('on %s renews the session once and retries with the new token', async (_, refusal) => {
    __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
    const server = fakeServer({ graphql: (call) => (call === 1 ? refusal() : json(ME)) });
    await expect(runQuery()).resolves.toEqual(ME);
    expect(server.authCalls).toEqual(['/auth/refresh']);
    expect(server.sent).toEqual(['Bearer access-1', 'Bearer access-2']);
    expect(getAccessToken()).toBe('access-2');
  });

  it('takes the token another tab renewed meanwhile instead of rotating the cookie again', async () => {
    __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
    const server = fakeServer({
      graphql: (call) => {
        if (call > 1) return json(ME);
        __setSessionForTests(AUTH_PAYLOAD.user, 'access-from-dashboard');
        return json(UNAUTHENTICATED);
      },
    });
    await expect(runQuery()).resolves.toEqual(ME);
    expect(server.sent).toEqual(['Bearer access-1', 'Bearer access-from-dashboard']);
    expect(server.authCalls).toEqual([]);
  });

  it('when the session cannot be renewed, shows the refusal and ends the session', async () => {
    __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
    const server = fakeServer({
      graphql: () => json(UNAUTHENTICATED),
      refresh: () => json({ error: { code: 'UNAUTHENTICATED', message: 'refresh token revoked' } }, 401),
    });
    await expect(runQuery()).resolves.toEqual(UNAUTHENTICATED);
    expect(server.sent).toEqual(['Bearer access-1']);
    expect(getSessionState()).toMatchObject({ status: 'anonymous', notice: 'Your session expired. Please sign in again.' });
  });

  it('after signing out here, the old token is no longer sent', async () => {
    __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
    const server = fakeServer();
    await logout();
    await runQuery();
    expect(server.sent).toEqual([null]);
  });

  it('after signing out in the dashboard tab, the old token is no longer sent', async () => {
    const server = fakeServer({ refresh: () => json(AUTH_PAYLOAD) });
    await restoreSession();
    const dashboardTab = new BroadcastChannel(SESSION_CHANNEL);
    try {
      dashboardTab.postMessage({ type: 'signed-out' });
      await waitFor(() => expect(getSessionState().status).toBe('anonymous'));
    } finally {
      dashboardTab.close();
    }
    await runQuery();
    expect(server.sent).toEqual([null]);
    expect(server.authCalls).toEqual(['/auth/refresh']);
  });
});
