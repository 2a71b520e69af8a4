import { act, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  __resetSessionForTests,
  __setSessionForTests,
  endExpiredSession,
  restoreSession,
  SESSION_CHANNEL,
} from '../auth/session';
import { AUTH_PAYLOAD, json } from '../test/fakeApi';
import { SessionNotice } from './SessionNotice';
import { namesAuthorization, setHeadersText } from './typedHeader';

beforeEach(() => __resetSessionForTests('loading'));

afterEach(() => {
  __resetSessionForTests('loading');
  vi.unstubAllGlobals();
});

function expectSignedOutNotice() {
  const notice = screen.getByRole('status');
  expect(notice).toHaveTextContent('Sign in to the dashboard to run queries as yourself');
  expect(notice).toHaveTextContent('paste an Authorization header');
  const link = screen.getByRole('link', { name: 'Sign in to the dashboard' });
  expect(link).toHaveAttribute('href', '/');
  expect(link).toHaveAttribute('target', '_blank');
}

describe('the explorer’s session notice', () => {
  it('says nothing while the session is being restored', () => {
    const { container } = render(<SessionNotice />);
    expect(container).toBeEmptyDOMElement();
  });

  it('without a session, says how to run queries as yourself', () => {
    __resetSessionForTests('anonymous');
    render(<SessionNotice />);
    expectSignedOutNotice();
  });

  it('names the signed-in user queries run as', () => {
    __setSessionForTests(AUTH_PAYLOAD.user);
    render(<SessionNotice />);
    expect(screen.getByRole('status')).toHaveTextContent('Queries run as Maria Manager (Manager)');
    expect(screen.queryByRole('link', { name: 'Sign in to the dashboard' })).toBeNull();
  });

  it('does not name the dashboard user while a typed Authorization header is in use (UI QA L10)', () => {
    __setSessionForTests(AUTH_PAYLOAD.user);
    render(<SessionNotice />);
    act(() => setHeadersText('{"Authorization": "Bearer rep-token"}'));
    const notice = screen.getByRole('status');
    expect(notice).toHaveTextContent('A typed Authorization header is in use: queries run as its owner.');
    expect(notice).not.toHaveTextContent('Maria Manager');
    act(() => setHeadersText('{}'));
    expect(screen.getByRole('status')).toHaveTextContent('Queries run as Maria Manager (Manager)');
  });

  it('recognises an Authorization header in the Headers text', () => {
    expect(namesAuthorization('{"authorization":"Bearer x"}')).toBe(true);
    expect(namesAuthorization('{"Authorization":"  "}')).toBe(false);
    expect(namesAuthorization('{"X-Other":"1"}')).toBe(false);
    expect(namesAuthorization('')).toBe(false);
    expect(namesAuthorization('{"Authorization": "Bearer x", ')).toBe(true);
  });

  it('says why when the session could not be renewed', () => {
    __setSessionForTests(AUTH_PAYLOAD.user);
    render(<SessionNotice />);
    act(() => endExpiredSession());
    expect(screen.getByRole('status')).toHaveTextContent('Your session expired. Please sign in again.');
    expectSignedOutNotice();
  });

  it('turns into the signed-out notice when the dashboard tab signs out', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(AUTH_PAYLOAD)));
    await restoreSession();
    render(<SessionNotice />);
    expect(screen.getByRole('status')).toHaveTextContent('Maria Manager');

    const dashboardTab = new BroadcastChannel(SESSION_CHANNEL);
    dashboardTab.postMessage({ type: 'signed-out' });
    dashboardTab.close();
    await waitFor(() => expectSignedOutNotice());
  });
});
