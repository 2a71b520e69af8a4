import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from './App';
import { __resetSessionForTests, getAccessToken, REFRESH_LEEWAY_SECONDS } from './auth/session';
import { gqlRequest } from './api/client';
import { DEMO_META_NAME } from './lib/demo';
import { ADMIN_USER, AUTH_PAYLOAD, installFakeApi, json, REP_USER } from './test/fakeApi';
import { setUrl } from './test/render';

beforeEach(() => {
  setUrl('');
  __resetSessionForTests('loading');
  localStorage.clear();
  sessionStorage.clear();
});

afterEach(() => {
  vi.useRealTimers();
  __resetSessionForTests('loading');
  document.head.querySelectorAll(`meta[name="${DEMO_META_NAME}"]`).forEach((m) => m.remove());
});

async function signIn(user: ReturnType<typeof userEvent.setup>, password = 'Leadscore-demo-1') {
  await user.type(await screen.findByLabelText('Email'), 'manager@acme.example');
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('auth flow', () => {
  it('shows the sign-in page when there is no refresh cookie', async () => {
    const api = installFakeApi();
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Sign in to your workspace' })).toBeInTheDocument();
    expect(api.authCalls).toEqual(['/auth/refresh']);
    const refreshInit = api.fetchMock.mock.calls[0]![1]!;
    expect(refreshInit.body).toBe('{}');
    expect(refreshInit.credentials).toBe('same-origin');
    // No demo accounts or password unless the server says it is a development one.
    expect(screen.queryByTestId('demo-hint')).toBeNull();
    expect(screen.queryByText(/Leadscore-demo-1/)).toBeNull();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  });

  it('shows the demo accounts when the page carries <meta name="leadscore-demo" content="true">', async () => {
    document.head.insertAdjacentHTML('beforeend', '<meta name="leadscore-demo" content="true">');
    installFakeApi();
    render(<App />);
    expect(await screen.findByTestId('demo-hint')).toHaveTextContent('manager@acme.example');
  });

  it('restores the session from the refresh cookie on load', async () => {
    installFakeApi({ refresh: () => json(AUTH_PAYLOAD) });
    render(<App />);
    expect(await screen.findByRole('table', { name: /^Leads/ })).toBeInTheDocument();
    expect(within(screen.getByTestId('current-user')).getByText('Maria Manager')).toBeInTheDocument();
    expect(within(screen.getByTestId('current-user')).getByText('Manager')).toBeInTheDocument();
  });

  it('signs in, keeps the token in memory only, and signs out', async () => {
    const api = installFakeApi();
    const user = userEvent.setup();
    render(<App />);
    await signIn(user);
    expect(await screen.findByRole('table', { name: /^Leads/ })).toBeInTheDocument();
    expect(getAccessToken()).toBe('access-1');
    // Never persisted where XSS could read it later.
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    await waitFor(() => expect(api.viewCalls()[0]?.headers.Authorization).toBe('Bearer access-1'));

    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { name: 'Sign in to your workspace' })).toBeInTheDocument();
    expect(api.authCalls).toContain('/auth/logout');
    expect(getAccessToken()).toBeNull();
  });

  it('shows the error message on bad credentials and disables the button while submitting', async () => {
    let release!: (r: Response) => void;
    installFakeApi({
      login: () => undefined as unknown as Response,
    });
    const slow = vi.fn(() => new Promise<Response>((r) => (release = r)));
    const original = globalThis.fetch;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) =>
      input === '/auth/login' ? slow() : original(input, init),
    );
    const user = userEvent.setup();
    render(<App />);
    await signIn(user, 'wrong');
    const button = screen.getByRole('button', { name: 'Signing in…' });
    expect(button).toBeDisabled();
    // The server's words, as a sentence; focus back on the email field, not <body> (UI QA L7).
    release(json({ error: { code: 'UNAUTHENTICATED', message: 'invalid email or password', details: [] } }, 401));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invalid email or password.');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    expect(screen.getByLabelText('Email')).toHaveFocus();
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Invalid email or password.');
  });

  it('reports rate limiting with Retry-After', async () => {
    installFakeApi({
      login: () => json({ error: { code: 'RATE_LIMITED', message: 'Too many', details: [] } }, 429, { 'Retry-After': '30' }),
    });
    const user = userEvent.setup();
    render(<App />);
    await signIn(user);
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many sign-in attempts. Try again in 30 s.');
  });

  it('on UNAUTHENTICATED refreshes once and retries the query', async () => {
    const refresh = vi.fn(() => json({ ...AUTH_PAYLOAD, accessToken: 'access-2' }));
    const api = installFakeApi({ refresh });
    render(<App />); // load: refresh → access-2
    await screen.findByRole('table', { name: /^Leads/ });
    expect(refresh).toHaveBeenCalledTimes(1);

    const apiAgain = installFakeApi({ refresh: () => json({ ...AUTH_PAYLOAD, accessToken: 'access-3' }), graphqlUnauthenticatedOnce: true });
    const data = await gqlRequest<{ owners: unknown[] }>('query Owners { owners { userId name } }');
    expect(data.owners).toHaveLength(2);
    expect(apiAgain.authCalls).toEqual(['/auth/refresh']);
    expect(apiAgain.calls.map((c) => c.headers.Authorization)).toEqual(['Bearer access-2', 'Bearer access-3']);
    expect(api).toBeDefined();
  });

  it('falls back to the sign-in page when the refresh fails', async () => {
    installFakeApi({ refresh: () => json(AUTH_PAYLOAD) });
    render(<App />);
    await screen.findByRole('table', { name: /^Leads/ });

    installFakeApi({ graphqlUnauthenticatedOnce: true }); // refresh → 401
    await expect(gqlRequest('query Owners { owners { userId name } }')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await screen.findByRole('heading', { name: 'Sign in to your workspace' })).toBeInTheDocument();
    expect(screen.getByText('Your session expired. Please sign in again.')).toBeInTheDocument();
  });

  it('tells a deactivated user their access was removed, not that the session expired', async () => {
    installFakeApi({ refresh: () => json(AUTH_PAYLOAD) });
    render(<App />);
    await screen.findByRole('table', { name: /^Leads/ });

    // The admin deactivates the account: the refresh the request triggers answers 401 "account disabled".
    installFakeApi({
      refresh: () => json({ error: { code: 'UNAUTHENTICATED', message: 'account disabled', details: [] } }, 401),
      graphqlUnauthenticatedOnce: true,
    });
    await expect(gqlRequest('query Owners { owners { userId name } }')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await screen.findByRole('heading', { name: 'Sign in to your workspace' })).toBeInTheDocument();
    expect(screen.getByText('Your access was removed. Contact your admin.')).toBeInTheDocument();
    expect(screen.queryByText(/session expired/)).toBeNull();
  });

  it('says access was removed when only the request names the disabled account (the refresh cookie was revoked)', async () => {
    installFakeApi({ refresh: () => json(AUTH_PAYLOAD) });
    render(<App />);
    await screen.findByRole('table', { name: /^Leads/ });

    const original = installFakeApi({
      refresh: () => json({ error: { code: 'UNAUTHENTICATED', message: 'refresh token revoked', details: [] } }, 401),
    });
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) =>
      input === '/graphql'
        ? Promise.resolve(json({ data: null, errors: [{ message: 'account disabled', extensions: { code: 'UNAUTHENTICATED' } }] }))
        : original.fetchMock(input, init),
    );
    await expect(gqlRequest('query Owners { owners { userId name } }')).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await screen.findByText('Your access was removed. Contact your admin.')).toBeInTheDocument();
  });

  it('on load, a deactivated account is told so; no cookie stays a plain sign-in page', async () => {
    installFakeApi({ refresh: () => json({ error: { code: 'UNAUTHENTICATED', message: 'account disabled', details: [] } }, 401) });
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Sign in to your workspace' })).toBeInTheDocument();
    expect(screen.getByText('Your access was removed. Contact your admin.')).toBeInTheDocument();
  });

  it('a scheduled refresh refused with "account disabled" ends the session at once', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let disabled = false;
    installFakeApi({
      refresh: () =>
        disabled
          ? json({ error: { code: 'UNAUTHENTICATED', message: 'account disabled', details: [] } }, 401)
          : json({ ...AUTH_PAYLOAD, expiresIn: 300 }),
    });
    render(<App />);
    await screen.findByRole('table', { name: /^Leads/ });
    disabled = true;
    await vi.advanceTimersByTimeAsync((300 - REFRESH_LEEWAY_SECONDS + 1) * 1000);
    expect(await screen.findByText('Your access was removed. Contact your admin.')).toBeInTheDocument();
    expect(getAccessToken()).toBeNull();
  });

  it('schedules a refresh about 60 s before the token expires', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const refresh = vi.fn(() => json({ ...AUTH_PAYLOAD, expiresIn: 300 }));
    installFakeApi({ refresh });
    render(<App />);
    await screen.findByRole('table', { name: /^Leads/ });
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync((300 - REFRESH_LEEWAY_SECONDS - 10) * 1000);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(11_000);
    expect(refresh).toHaveBeenCalledTimes(2);
  });
});

describe('one request per view, and the Admin entry', () => {
  it('signs in to a dashboard loaded by one GraphQL request that also fills the header', async () => {
    const api = installFakeApi({ refresh: () => json(AUTH_PAYLOAD) });
    render(<App />);
    await screen.findByRole('table', { name: /^Leads/ });
    expect(await screen.findByText('Acme')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('table', { name: /^Leads/ })).toHaveAttribute('data-state', 'ready'));
    expect(api.calls.map((c) => c.operationName)).toEqual(['DashboardView']);
    expect(api.calls[0]!.variables.withMe).toBe(true);
    // Not an admin: no Admin entry.
    expect(screen.queryByRole('link', { name: 'Admin' })).toBeNull();
  });

  it('an admin opens the lazily loaded Admin page and comes back', async () => {
    installFakeApi({ refresh: () => json({ ...AUTH_PAYLOAD, user: ADMIN_USER }) });
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('table', { name: /^Leads/ });
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Leads' })).toHaveAttribute('aria-current', 'page');

    await user.click(within(nav).getByRole('link', { name: 'Admin' }));
    // The admin screens' own heading (the real page and the placeholder share it).
    expect(await screen.findByRole('heading', { name: 'Administration', level: 2 })).toBeInTheDocument();
    expect(window.location.pathname).toBe('/admin');
    expect(within(nav).getByRole('link', { name: 'Admin' })).toHaveAttribute('aria-current', 'page');
    expect(screen.queryByRole('table', { name: /^Leads/ })).toBeNull();
    await waitFor(() => expect(document.title).toBe('Admin · Leadscore'));

    await user.click(within(nav).getByRole('link', { name: 'Leads' }));
    expect(await screen.findByRole('table', { name: /^Leads/ })).toBeInTheDocument();
    expect(window.location.pathname).toBe('/');
  });

  it('every role has the Model entry; a rep opens the lazily loaded editor', async () => {
    installFakeApi({ refresh: () => json({ ...AUTH_PAYLOAD, user: REP_USER }) });
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('table', { name: /^Leads/ });
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByRole('link', { name: 'Admin' })).toBeNull();
    await user.click(within(nav).getByRole('link', { name: 'Model' }));
    expect(await screen.findByRole('heading', { name: 'Scoring model', level: 2 })).toBeInTheDocument();
    expect(window.location.pathname).toBe('/model');
    expect(within(nav).getByRole('link', { name: 'Model' })).toHaveAttribute('aria-current', 'page');
    expect(screen.queryByRole('table', { name: /^Leads/ })).toBeNull();
    await waitFor(() => expect(document.title).toBe('Model · Leadscore'));
  });

  it('/model loaded directly asks for me once, so the header names the tenant', async () => {
    window.history.replaceState(null, '', '/model');
    const api = installFakeApi({ refresh: () => json(AUTH_PAYLOAD) });
    const user = userEvent.setup();
    render(<App />);
    expect(await within(await screen.findByRole('banner')).findByText('Acme')).toBeInTheDocument();
    expect(api.calls.filter((c) => c.operationName === 'Me')).toHaveLength(1);
    expect(api.viewCalls()).toHaveLength(0);

    // On to the dashboard: its one request does not ask for me again.
    await user.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Leads' }));
    await screen.findByRole('table', { name: /^Leads/ });
    await waitFor(() => expect(api.viewCalls()).toHaveLength(1));
    expect(api.lastViewVars()?.withMe).toBe(false);
    expect(api.calls.filter((c) => c.operationName === 'Me')).toHaveLength(1);
    expect(within(screen.getByRole('banner')).getByText('Acme')).toBeInTheDocument();
  });

  it.each([
    ['a rep', REP_USER],
    ['a manager', AUTH_PAYLOAD.user],
  ])('/admin tells %s it is for admins only, with a link back to the leads', async (_, who) => {
    window.history.replaceState(null, '', '/admin');
    const api = installFakeApi({ refresh: () => json({ ...AUTH_PAYLOAD, user: who }) });
    const user = userEvent.setup();
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Admins only', level: 2 })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Administration' })).toBeNull();
    expect(screen.queryByRole('table', { name: /^Leads/ })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Admin' })).toBeNull();
    expect(api.viewCalls()).toHaveLength(0);
    await waitFor(() => expect(document.title).toBe('Admin · Leadscore'));

    await user.click(screen.getByRole('link', { name: 'Back to the leads' }));
    expect(await screen.findByRole('table', { name: /^Leads/ })).toBeInTheDocument();
    expect(window.location.pathname).toBe('/');
  });

  it('an invitation link shows the accept-invite page, not the sign-in page', async () => {
    window.history.replaceState(null, '', '/accept-invite#token=abc');
    installFakeApi();
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Join your team on Leadscore' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Sign in to your workspace' })).toBeNull();
    window.history.replaceState(null, '', '/');
  });
});

describe('the leads page shows what the URL says', () => {
  it('the header link to the leads shows the default view; Back brings the filters back', async () => {
    setUrl('?q=acme&status=new');
    const api = installFakeApi({ refresh: () => json(AUTH_PAYLOAD) });
    const user = userEvent.setup();
    render(<App />);
    const table = await screen.findByRole('table', { name: /^Leads/ });
    const search = () => screen.getByRole('searchbox', { name: 'Search' });
    const rows = () => within(table).getAllByRole('row').slice(1).map((r) => r.getAttribute('data-lead-id'));
    const ready = () => waitFor(() => expect(table).toHaveAttribute('aria-busy', 'false'));
    await waitFor(() => expect(table).toHaveAttribute('data-state', 'ready'));
    expect(search()).toHaveValue('acme');
    expect(screen.getByLabelText('Status')).toHaveValue('NEW');
    expect(api.lastViewVars()?.filter).toEqual({ search: 'acme', status: 'NEW' });
    const acme = rows();

    await user.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Leads' }));
    expect(`${window.location.pathname}${window.location.search}`).toBe('/');
    await waitFor(() => expect(api.lastViewVars()?.filter).toBeNull());
    await ready();
    expect(search()).toHaveValue('');
    expect(screen.getByLabelText('Status')).toHaveValue('');
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
    expect(rows().length).toBeGreaterThan(acme.length);

    window.history.back();
    await waitFor(() => expect(search()).toHaveValue('acme'));
    expect(window.location.search).toBe('?q=acme&status=new');
    expect(screen.getByLabelText('Status')).toHaveValue('NEW');
    await ready();
    expect(rows()).toEqual(acme);
  });
});

describe('page frame', () => {
  it('an unknown path says "Page not found", with a link to the leads (UI QA L9)', async () => {
    window.history.replaceState(null, '', '/nonexistent-page');
    installFakeApi({ refresh: () => json(AUTH_PAYLOAD) });
    const user = userEvent.setup();
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
    await waitFor(() => expect(document.title).toBe('Page not found · Leadscore'));
    await user.click(screen.getByRole('link', { name: 'Go to the leads' }));
    expect(window.location.pathname).toBe('/');
    expect(await screen.findByRole('table', { name: /^Leads/ })).toBeInTheDocument();
  });

  it('"Skip to main content" is the first tab stop and moves focus to the main content', async () => {
    installFakeApi({ refresh: () => json(AUTH_PAYLOAD) });
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('table', { name: /^Leads/ });
    await user.tab();
    const skip = screen.getByRole('link', { name: 'Skip to main content' });
    expect(skip).toHaveFocus();
    expect(skip).toHaveClass('sr-only', 'focus:not-sr-only');
    await user.keyboard('{Enter}');
    expect(screen.getByRole('main')).toHaveFocus();
  });

  it('lets the leads page use wide screens; the model page keeps its reading width', async () => {
    installFakeApi({ refresh: () => json(AUTH_PAYLOAD) });
    const user = userEvent.setup();
    render(<App />);
    await screen.findByRole('table', { name: /^Leads/ });
    expect(screen.getByRole('main')).toHaveClass('max-w-screen-2xl');
    expect(screen.getByRole('main')).not.toHaveClass('max-w-7xl');
    // The header lines up with the content.
    expect(screen.getByRole('banner').firstElementChild).toHaveClass('max-w-screen-2xl');

    await user.click(within(screen.getByRole('navigation', { name: 'Main' })).getByRole('link', { name: 'Model' }));
    await waitFor(() => expect(screen.getByRole('main')).toHaveClass('max-w-7xl'));
    expect(screen.getByRole('banner').firstElementChild).toHaveClass('max-w-7xl');
  });
});
