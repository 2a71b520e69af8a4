import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { navigate } from '../hooks/usePath';
import { ADMIN_USER, AUTH_PAYLOAD, REP_USER, installFakeApi, makeLead } from '../test/fakeApi';
import { renderWithSWR, setUrl } from '../test/render';
import { SEARCH_DEBOUNCE_MS } from './DashboardFilters';
import { LeadScoringDashboard } from './LeadScoringDashboard';

const table = () => screen.getByRole('table', { name: /^Leads, sorted by/ });
const urlParam = (k: string) => new URLSearchParams(window.location.search).get(k);
const rowNames = () =>
  within(table())
    .getAllByRole('row')
    .slice(1)
    .map((r) => r.getAttribute('data-lead-id'));

async function waitForRows() {
  await waitFor(() => expect(table()).toHaveAttribute('data-state', 'ready'));
  await waitFor(() => expect(table()).toHaveAttribute('aria-busy', 'false'));
}

const LEADS = [
  makeLead(0, { name: 'José Álvarez', email: 'jose@globex.example', company: 'Globex' }),
  makeLead(1, { name: 'Ann Lee', email: 'ann@initech.example', company: 'Initech' }),
  makeLead(2, { name: 'Bob Stone', email: 'bob@globex.example', company: 'Globex', status: 'QUALIFIED' }),
  makeLead(3, { name: 'Cleo Park', email: 'cleo@umbrella.example', company: 'Umbrella' }),
];

beforeEach(() => {
  setUrl('');
  __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
});

describe('search', () => {
  it('is debounced (~250 ms), kept in the URL and sent as filter.search', async () => {
    const api = installFakeApi({ leads: LEADS });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    const before = api.viewCalls().length;

    const typedAt = Date.now();
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'jose');
    // Nothing is sent per keystroke.
    expect(api.viewCalls()).toHaveLength(before);
    await waitFor(() => expect(api.lastViewVars()?.filter).toEqual({ search: 'jose' }));
    expect(api.viewCalls()).toHaveLength(before + 1);
    expect(api.viewCalls().at(-1)!.at - typedAt).toBeGreaterThanOrEqual(SEARCH_DEBOUNCE_MS - 20);
    expect(urlParam('q')).toBe('jose');
    await waitForRows();
    // Accent-insensitive on the server (here the fake): "jose" finds "José".
    expect(rowNames()).toEqual(['lead-0']);

    // Combined with the other filters and the sort.
    await user.clear(screen.getByRole('searchbox', { name: 'Search' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'globex');
    await user.selectOptions(screen.getByLabelText('Status'), 'QUALIFIED');
    await user.click(within(screen.getByRole('columnheader', { name: /^Last Activity/ })).getByRole('button'));
    await waitFor(() =>
      expect(api.lastViewVars()).toMatchObject({ filter: { search: 'globex', status: 'QUALIFIED' }, sort: 'LAST_ACTIVITY_DESC' }),
    );
    expect(urlParam('q')).toBe('globex');
    expect(urlParam('status')).toBe('qualified');
    await waitForRows();
    expect(rowNames()).toEqual(['lead-2']);
  });

  it('Enter searches at once; a search in the URL is restored into the box', async () => {
    setUrl('?q=initech&sort=lastActivity');
    const api = installFakeApi({ leads: LEADS });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    expect(api.viewCalls()).toHaveLength(1);
    expect(api.lastViewVars()).toMatchObject({ filter: { search: 'initech' }, sort: 'LAST_ACTIVITY_DESC' });
    const box = screen.getByRole('searchbox', { name: 'Search' });
    expect(box).toHaveValue('initech');
    expect(box).toHaveAttribute('maxLength', '200');

    await user.clear(box);
    await user.type(box, 'umbrella{Enter}');
    await waitFor(() => expect(api.lastViewVars()?.filter).toEqual({ search: 'umbrella' }));
    // Enter committed the search; the debounce timer does not send it a second time.
    await new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS + 100));
    expect(api.viewCalls().filter((c) => (c.variables.filter as { search?: string } | null)?.search === 'umbrella')).toHaveLength(1);
  });

  it('a search still being typed is dropped when a link or Back changes the URL', async () => {
    setUrl('?q=initech');
    const api = installFakeApi({ leads: LEADS });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    const box = screen.getByRole('searchbox', { name: 'Search' });
    await user.type(box, 'x');
    act(() => navigate('/'));
    expect(box).toHaveValue('');
    await new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS + 100));
    expect(window.location.search).toBe('');
    expect(api.viewCalls().some((c) => (c.variables.filter as { search?: string } | null)?.search === 'initechx')).toBe(false);

    await user.type(box, 'umbrella');
    window.history.back();
    await waitFor(() => expect(box).toHaveValue('initech'));
    await new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS + 100));
    expect(window.location.search).toBe('?q=initech');
  });
});

describe('Mine / Everyone', () => {
  it('a rep lands on their own leads and can switch to everyone (kept in the URL)', async () => {
    __setSessionForTests(REP_USER, 'access-rep');
    const api = installFakeApi({ me: { userId: 'u1', name: 'Rep One', role: 'REP', tenantName: 'Acme' } });
    const user = userEvent.setup();
    const { unmount } = renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    // The very first request is already restricted: no flash of everyone's leads.
    expect(api.viewCalls()[0]!.variables.filter).toEqual({ ownerId: 'u1' });
    expect(screen.getByRole('heading', { name: 'My leads' })).toBeInTheDocument();
    const mine = screen.getByRole('button', { name: 'Mine' });
    const everyone = screen.getByRole('button', { name: 'Everyone' });
    expect(mine).toHaveAttribute('aria-pressed', 'true');
    expect(everyone).toHaveAttribute('aria-pressed', 'false');
    expect(screen.queryByLabelText('Owner')).toBeNull();
    within(table())
      .getAllByRole('row')
      .slice(1)
      .forEach((r) => expect(r).toHaveAttribute('data-owner-id', 'u1'));

    await user.click(everyone);
    await waitFor(() => expect(api.lastViewVars()?.filter).toBeNull());
    expect(urlParam('scope')).toBe('everyone');
    expect(screen.getByRole('button', { name: 'Everyone' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByLabelText('Owner')).toBeInTheDocument();
    await waitForRows();
    expect(within(table()).getAllByRole('row').length - 1).toBe(12);

    // A reload keeps "Everyone".
    unmount();
    const again = installFakeApi();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    expect(again.viewCalls()[0]!.variables.filter).toBeNull();

    // And back to "Mine" (keyboard).
    screen.getByRole('button', { name: 'Mine' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(again.lastViewVars()?.filter).toEqual({ ownerId: 'u1' }));
    expect(urlParam('scope')).toBe('mine');
  });

  it.each([
    ['manager', AUTH_PAYLOAD.user],
    ['admin', ADMIN_USER],
  ])('a %s lands on everyone', async (_role, who) => {
    __setSessionForTests(who, 'access-x');
    const api = installFakeApi();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    expect(api.viewCalls()[0]!.variables.filter).toBeNull();
    expect(screen.getByRole('button', { name: 'Everyone' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByRole('heading', { name: 'Leads' })).toBeInTheDocument();
    expect(urlParam('scope')).toBeNull();
  });

  it('choosing Mine as a manager clears a chosen owner', async () => {
    setUrl('?owner=u2');
    const api = installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    expect(api.lastViewVars()?.filter).toEqual({ ownerId: 'u2' });
    await user.click(screen.getByRole('button', { name: 'Mine' }));
    await waitFor(() => expect(api.lastViewVars()?.filter).toEqual({ ownerId: 'm1' }));
    expect(urlParam('owner')).toBeNull();
    expect(urlParam('scope')).toBe('mine');
  });
});
