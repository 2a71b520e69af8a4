import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { ADMIN_USER, AUTH_PAYLOAD, DAY, REP_USER, installFakeApi, makeLead } from '../test/fakeApi';
import { renderWithSWR, setUrl } from '../test/render';
import { LeadScoringDashboard } from './LeadScoringDashboard';

const table = () => screen.getByRole('table', { name: /^Leads, sorted by/ });
const urlParam = (k: string) => new URLSearchParams(window.location.search).get(k);

async function waitForRows() {
  await waitFor(() => expect(table()).toHaveAttribute('data-state', 'ready'));
  return within(table()).getAllByRole('row').slice(1);
}

beforeEach(() => {
  setUrl('');
  __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
});

describe('data quality counts in a narrowed scope', () => {
  const LEADS = [
    makeLead(0), // u1
    makeLead(1, { hasActivity: false, lastActivityAt: null, raw: null }), // u2
    makeLead(2, { hasActivity: false, lastActivityAt: null, raw: null }), // u1
    makeLead(3, { hasActivity: false, lastActivityAt: null, raw: null }), // u2
  ];

  it('"My leads" says the counts are the whole team’s, and what a chip then shows', async () => {
    __setSessionForTests(REP_USER, 'access-rep');
    const api = installFakeApi({ leads: LEADS });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    const dq = screen.getByRole('group', { name: 'Data quality in the whole team' });
    expect(dq).toHaveTextContent('Data quality in the whole team:');
    expect(within(dq).getByRole('button', { name: /No activity data/ })).toHaveTextContent(/3$/);
    expect(within(dq).getByTestId('dq-total')).toHaveTextContent(
      'of 4 leads in the whole team; filtering by them shows only your leads',
    );

    // The chip filters the rep's own leads: 1 of the team's 3, as the wording said.
    await user.click(within(dq).getByRole('button', { name: /No activity data/ }));
    await waitFor(() => expect(api.lastViewVars()?.filter).toEqual({ ownerId: 'u1', noActivity: true }));
    await waitFor(() => expect(table()).toHaveAttribute('data-view', '?noActivity=1'));
    expect((await waitForRows()).map((r) => r.getAttribute('data-lead-id'))).toEqual(['lead-2']);
  });

  it('one owner’s leads say so too; everyone’s leads keep the plain wording', async () => {
    setUrl('?owner=u2');
    installFakeApi({ leads: LEADS });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    expect(screen.getByTestId('dq-total')).toHaveTextContent("of 4 leads in the whole team; filtering by them shows only this owner's leads");

    await user.selectOptions(screen.getByLabelText('Owner'), '');
    await waitFor(() => expect(screen.getByTestId('dq-total')).toHaveTextContent(/^of 4 leads$/));
    expect(screen.getByRole('group', { name: 'Data quality' })).toBeInTheDocument();
  });
});

describe('Clear filters', () => {
  it('resets "Stale after (days)" with the filters', async () => {
    setUrl('?staleDays=7&stale=1&status=new&movedUp=7');
    const api = installFakeApi({
      leads: [makeLead(0, { lastActivityAt: new Date(Date.now() - 20 * DAY).toISOString(), trend: { change7d: 1, crossedAt: new Date().toISOString(), crossedFrom: 'WARM', crossedTo: 'HOT', modelChangedAt: null, modelShare7d: null } })],
    });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    expect(screen.getByLabelText('Stale after (days)')).toHaveValue(7);
    expect(screen.getByRole('button', { name: /Stale \(over 7 days\)/ })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(api.lastViewVars()).toMatchObject({ filter: null, staleDays: 30 }));
    expect(window.location.search).toBe('');
    expect(urlParam('staleDays')).toBeNull();
    expect(screen.getByLabelText('Stale after (days)')).toHaveValue(null);
    expect(screen.getByRole('button', { name: /Stale \(over 30 days\)/ })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
    // The button is gone: focus stays in the panel, on the search box.
    await waitFor(() => expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveFocus());
  });

  it('drops a value still being typed, so it does not come back after the clear', async () => {
    setUrl('?status=new');
    const api = installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    await user.type(screen.getByRole('searchbox', { name: 'Search' }), 'acme');
    await user.type(screen.getByLabelText('Stale after (days)'), '9');
    // Within the debounce of both fields.
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await new Promise((r) => setTimeout(r, 600));
    expect(window.location.search).toBe('');
    expect(api.lastViewVars()).toMatchObject({ filter: null, staleDays: 30 });
    expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveValue('');
    expect(screen.getByLabelText('Stale after (days)')).toHaveValue(null);
  });

  it('keeps the view settings: scope, sort and page size', async () => {
    setUrl('?scope=mine&sort=lastActivity&limit=25&q=lead');
    installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    const panel = screen.getByRole('search', { name: 'Filter leads' });
    await user.click(within(panel).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(window.location.search).toBe('?scope=mine&sort=lastActivity&limit=25'));
  });

  it('is offered when only the stale threshold differs from its default', async () => {
    setUrl('?staleDays=14');
    const api = installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(api.lastViewVars()?.staleDays).toBe(30));
    expect(window.location.search).toBe('');
  });
});

describe('empty states', () => {
  it('past the last page offers the last page', async () => {
    setUrl('?scope=everyone&page=99&limit=25');
    const api = installFakeApi({ leads: Array.from({ length: 60 }, (_, i) => makeLead(i)) });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    const empty = await screen.findByTestId('empty-state');
    expect(empty).toHaveTextContent('This page is past the end');
    await user.click(within(empty).getByRole('button', { name: 'Go to the last page (3)' }));
    await waitFor(() => expect(api.lastViewVars()?.page).toBe(3));
    expect(urlParam('page')).toBe('3');
    expect(await waitForRows()).toHaveLength(10);
    expect(screen.getByTestId('page-status')).toHaveTextContent('Page 3 of 3 · 60 leads');
    // The button went away: focus is on the results table, not lost to <body> (UI QA L5).
    expect(screen.getByRole('table')).toHaveFocus();
  });

  it('past the last page says so, with "Go to first page"', async () => {
    setUrl('?page=99&limit=25');
    const api = installFakeApi({ leads: Array.from({ length: 60 }, (_, i) => makeLead(i)) });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    const empty = await screen.findByTestId('empty-state');
    expect(empty).toHaveTextContent('This page is past the end');
    expect(empty).toHaveTextContent('Page 99 is past the last page (3) of these 60 leads.');
    expect(empty).not.toHaveTextContent('There are no scored leads yet.');
    expect(empty).not.toHaveTextContent('No leads match');
    // The bar agrees with the message, and "Prev" goes to the last page, not to page 98 (UI QA L5).
    expect(screen.getByTestId('page-status')).toHaveTextContent('Page 99, past the last page (3) · 60 leads');
    expect(screen.getByTestId('page-status')).not.toHaveTextContent('of 3');

    await user.click(within(empty).getByRole('button', { name: 'Go to first page' }));
    await waitFor(() => expect(api.lastViewVars()?.page).toBe(1));
    expect(await waitForRows()).toHaveLength(25);
  });

  it('past the last page, the bar goes back to the last page, not to another empty one (UI QA L5)', async () => {
    setUrl('?page=99&limit=25');
    const api = installFakeApi({ leads: Array.from({ length: 60 }, (_, i) => makeLead(i)) });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await screen.findByTestId('empty-state');
    expect(screen.queryByRole('button', { name: 'Prev' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Last page (3)' }));
    await waitFor(() => expect(api.lastViewVars()?.page).toBe(3));
    expect(await waitForRows()).toHaveLength(10);
    await user.click(screen.getByRole('button', { name: 'Prev' }));
    await waitFor(() => expect(api.lastViewVars()?.page).toBe(2));
  });

  it('a tenant without any lead is told how to bring leads in', async () => {
    installFakeApi({ leads: [] });
    renderWithSWR(<LeadScoringDashboard />);
    const help = await screen.findByTestId('empty-tenant');
    expect(help).toHaveTextContent('No leads yet');
    expect(help).toHaveTextContent('leadscore import FILE.csv --tenant t1');
    expect(help).toHaveTextContent('POST /events');
    expect(help).toHaveTextContent('an admin creates an ingestion key under Admin → Ingestion keys');
    expect(within(help).queryByRole('link')).toBeNull();
    expect(screen.getByTestId('empty-state')).not.toHaveTextContent('There are no scored leads yet.');
  });

  it('an admin of an empty tenant gets a link to the ingestion keys', async () => {
    __setSessionForTests(ADMIN_USER, 'access-admin');
    installFakeApi({ leads: [] });
    renderWithSWR(<LeadScoringDashboard />);
    const help = await screen.findByTestId('empty-tenant');
    expect(within(help).getByRole('link', { name: 'create an ingestion key under Admin → Ingestion keys' })).toHaveAttribute('href', '/admin?tab=keys');
  });

  it('a tenant with leads, none matching, keeps the "No leads match" hint', async () => {
    setUrl('?minScore=99');
    installFakeApi();
    renderWithSWR(<LeadScoringDashboard />);
    const empty = await screen.findByTestId('empty-state');
    expect(empty).toHaveTextContent('No leads match');
    expect(screen.queryByTestId('empty-tenant')).toBeNull();
  });
});

describe('during an outage', () => {
  it('shows one alert, and says the rows are from the previous view after a filter change', async () => {
    let down = false;
    const api = installFakeApi({
      viewHandler: () => {
        if (down) throw new TypeError('Failed to fetch');
        return undefined;
      },
    });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();

    down = true;
    await user.click(screen.getByRole('button', { name: /Refresh/ }));
    expect(await screen.findByText(/^Refresh failed: Cannot reach the server/)).toHaveAttribute('role', 'alert');
    expect(screen.getAllByRole('alert')).toHaveLength(1);

    await user.selectOptions(screen.getByLabelText('Status'), 'QUALIFIED');
    await waitFor(() => expect(api.lastViewVars()?.filter).toEqual({ status: 'QUALIFIED' }));
    const alert = await screen.findByTestId('earlier-data');
    expect(alert).toHaveTextContent('Could not load this view — Cannot reach the server.');
    expect(alert).toHaveTextContent('The rows below are from your previous view, not these filters.');
    // The failed Refresh's alert gives way: one alert at a time.
    expect(screen.getAllByRole('alert')).toEqual([alert]);
    expect(table()).toHaveAttribute('data-view', '');
    expect(screen.getByTestId('score-distribution')).toHaveTextContent('12 leads in your previous view');
    expect(within(table()).getAllByRole('row').length - 1).toBe(12);

    // Back up: Retry loads the view asked for, and the alert goes.
    down = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(table()).toHaveAttribute('data-view', '?status=qualified'));
    expect(screen.queryAllByRole('alert')).toHaveLength(0);
    expect(screen.getByTestId('score-distribution')).toHaveTextContent(/\d+ leads? in view/);
  });
});
