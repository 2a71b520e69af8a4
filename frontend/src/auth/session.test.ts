import { waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTH_PAYLOAD, json } from '../test/fakeApi';
import {
  __resetSessionForTests,
  getAccessToken,
  getSessionState,
  login,
  logout,
  refreshSession,
  restoreSession,
  SESSION_CHANNEL,
  subscribe,
} from './session';

/** Another tab of the origin (the dashboard, or the GraphQL explorer). */
let otherTab: BroadcastChannel;
let heard: unknown[];
let fetchMock: ReturnType<typeof vi.fn>;

function authFetch(refresh: () => Response = () => json(AUTH_PAYLOAD)) {
  fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    if (input === '/auth/refresh') return refresh();
    if (input === '/auth/login') return json(AUTH_PAYLOAD);
    if (input === '/auth/logout') return new Response(null, { status: 204 });
    throw new Error(`unexpected ${String(input)}`);
  });
  vi.stubGlobal('fetch', fetchMock);
}

const urls = () => fetchMock.mock.calls.map((c) => c[0]);

/** Another tab's message: it got `accessToken` from the server `issuedAgoMs` ago. */
function renewed(accessToken: string, expiresInMs: number, issuedAgoMs = 0) {
  return {
    type: 'session',
    payload: { accessToken, expiresIn: expiresInMs / 1000, user: AUTH_PAYLOAD.user },
    expiresAt: Date.now() - issuedAgoMs + expiresInMs,
  };
}

/** A Web Lock held by another tab until `release()`. */
function lockHeldElsewhere() {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const request = vi.fn(async (_name: string, callback: () => Promise<boolean>) => {
    await held;
    return callback();
  });
  Object.defineProperty(navigator, 'locks', { value: { request }, configurable: true });
  return { request, release };
}

beforeEach(() => {
  __resetSessionForTests('loading');
  heard = [];
  otherTab = new BroadcastChannel(SESSION_CHANNEL);
  otherTab.onmessage = (e: MessageEvent<unknown>) => heard.push(e.data);
});

afterEach(() => {
  otherTab.close();
  __resetSessionForTests('loading');
  delete (navigator as { locks?: unknown }).locks;
  vi.unstubAllGlobals();
});

describe('the session shared by the tabs of the browser', () => {
  it('a sign-in hands the access token, never the refresh token, to the other tabs', async () => {
    authFetch();
    await login('manager@acme.example', 'Leadscore-demo-1');
    await waitFor(() => expect(heard).toHaveLength(1));
    expect(heard[0]).toMatchObject({ type: 'session', payload: { accessToken: 'access-1', user: AUTH_PAYLOAD.user } });
    expect(JSON.stringify(heard[0])).not.toContain('ignored-refresh');
  });

  it('adopts the token another tab renewed, and ignores an older one arriving late', async () => {
    authFetch();
    await restoreSession();
    expect(getAccessToken()).toBe('access-1');

    const seen: (string | null)[] = [];
    const stop = subscribe(() => seen.push(getAccessToken()));
    otherTab.postMessage(renewed('access-2', 1_000_000));
    otherTab.postMessage(renewed('access-old', 500_000));
    otherTab.postMessage(renewed('access-3', 2_000_000));
    await waitFor(() => expect(getAccessToken()).toBe('access-3'));
    stop();
    expect(seen).toEqual(['access-2', 'access-3']);
    expect(urls()).toEqual(['/auth/refresh']);
  });

  it('a tab that was signed out follows a sign-in in another tab', async () => {
    authFetch(() => json({ error: { code: 'UNAUTHENTICATED', message: 'missing refresh token' } }, 401));
    await restoreSession();
    expect(getSessionState().status).toBe('anonymous');

    otherTab.postMessage(renewed('access-2', 900_000));
    await waitFor(() => expect(getSessionState().status).toBe('authenticated'));
    expect(getAccessToken()).toBe('access-2');
    expect(getSessionState().user?.name).toBe('Maria Manager');
  });

  it('a sign-out in another tab drops this tab’s token without a request', async () => {
    authFetch();
    await restoreSession();
    otherTab.postMessage({ type: 'signed-out' });
    await waitFor(() => expect(getSessionState().status).toBe('anonymous'));
    expect(getAccessToken()).toBeNull();
    expect(getSessionState().notice).toBeNull();
    expect(urls()).toEqual(['/auth/refresh']);
  });

  it('signing out tells the other tabs and has the server revoke this access token too', async () => {
    authFetch();
    await restoreSession();
    await logout();
    const [, init] = fetchMock.mock.calls.find((c) => c[0] === '/auth/logout')!;
    expect((init as RequestInit).headers).toMatchObject({ Authorization: 'Bearer access-1' });
    await waitFor(() => expect(heard).toContainEqual({ type: 'signed-out' }));
  });

  it('after signing out, a renewal another tab made before the sign-out does not sign this tab in again', async () => {
    authFetch();
    await restoreSession();
    await logout();
    const seen: (string | null)[] = [];
    const stop = subscribe(() => seen.push(getAccessToken()));
    otherTab.postMessage(renewed('access-from-before', 900_000, 1000));
    otherTab.postMessage(renewed('access-after', 900_000)); // e.g. a sign-in since
    await waitFor(() => expect(getAccessToken()).toBe('access-after'));
    stop();
    expect(seen).toEqual(['access-after']);
    expect(urls()).toEqual(['/auth/refresh', '/auth/logout']);
  });

  it('ignores messages that are not the session’s', async () => {
    authFetch();
    await restoreSession();
    otherTab.postMessage({ type: 'session', payload: { accessToken: 'x' }, expiresAt: Date.now() + 1e9 });
    otherTab.postMessage('signed-out');
    otherTab.postMessage(renewed('access-2', 1_000_000));
    await waitFor(() => expect(getAccessToken()).toBe('access-2'));
    expect(getSessionState().status).toBe('authenticated');
  });
});

describe('refreshing under the cross-tab lock', () => {
  it('refreshes inside the Web Lock "leadscore-auth-refresh"', async () => {
    authFetch();
    const lock = lockHeldElsewhere();
    const done = refreshSession();
    await waitFor(() => expect(lock.request).toHaveBeenCalledWith('leadscore-auth-refresh', expect.any(Function)));
    expect(urls()).toEqual([]);
    lock.release();
    await expect(done).resolves.toBe(true);
    expect(urls()).toEqual(['/auth/refresh']);
  });

  it('uses the token another tab renewed while this one waited, without rotating the cookie again', async () => {
    authFetch();
    await restoreSession();
    fetchMock.mockClear();
    const lock = lockHeldElsewhere();
    const done = refreshSession();
    otherTab.postMessage(renewed('access-2', 1_000_000));
    await waitFor(() => expect(getAccessToken()).toBe('access-2'));
    lock.release();
    await expect(done).resolves.toBe(true);
    expect(urls()).toEqual([]);
    expect(getAccessToken()).toBe('access-2');
  });
});
