import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { AUTH_PAYLOAD, installFakeApi, json, makeLead } from '../test/fakeApi';
import { renderWithSWR, setUrl } from '../test/render';
import { LeadScoringDashboard } from './LeadScoringDashboard';

function leadsTable() {
  return screen.getByRole('table', { name: /^Leads, sorted by/ });
}

async function waitForRows() {
  await waitFor(() => expect(leadsTable()).toHaveAttribute('data-state', 'ready'));
  return within(leadsTable()).getAllByRole('row').slice(1);
}

function columnHeader(name: RegExp) {
  return within(leadsTable()).getByRole('columnheader', { name });
}

beforeEach(() => {
  setUrl('');
  __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
});

describe('LeadScoringDashboard — table', () => {
  it('renders the columns with table semantics and sends the default variables', async () => {
    const api = installFakeApi();
    renderWithSWR(<LeadScoringDashboard />);
    const rows = await waitForRows();
    expect(rows).toHaveLength(12);

    const headers = within(leadsTable()).getAllByRole('columnheader');
    expect(headers.map((h) => h.textContent?.replace(/▼|\(.*\)/g, '').trim())).toEqual([
      'Lead Name',
      'Score',
      'Priority',
      'Status',
      'Email Opens',
      'Website Visits',
      'Time Spent',
      'Last Activity',
      'Owner',
    ]);
    headers.forEach((h) => expect(h).toHaveAttribute('scope', 'col'));

    expect(api.lastViewVars()).toEqual({
      filter: null,
      sort: 'SCORE_DESC',
      page: 1,
      limit: 50,
      refresh: false,
      staleDays: 30,
      withMe: true,
    });
    expect(api.viewCalls()[0]!.headers.Authorization).toBe('Bearer access-1');

    // Human formats with exact values on hover.
    const first = rows[0]!;
    expect(within(first).getByText('Hot 95')).toBeInTheDocument();
    expect(within(first).getByText('1 min')).toHaveAttribute('title', '60 seconds');
    const time = within(first).getByText('1 day ago');
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('title')).toMatch(/\d{4}-\d{2}-\d{2}T/);
    expect(within(first).getByText('Rep One')).toBeInTheDocument();
    expect(screen.getByText('Page 1 of 1')).toBeInTheDocument();
  });

  it('sort toggle flips aria-sort and the GraphQL sort variable, and is stored in the URL', async () => {
    const api = installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();

    expect(columnHeader(/^Score/)).toHaveAttribute('aria-sort', 'descending');
    expect(columnHeader(/^Last Activity/)).toHaveAttribute('aria-sort', 'none');
    // Non-sortable columns carry no aria-sort.
    expect(columnHeader(/^Owner/)).not.toHaveAttribute('aria-sort');

    await user.click(within(columnHeader(/^Last Activity/)).getByRole('button'));
    await waitFor(() => expect(api.lastViewVars()?.sort).toBe('LAST_ACTIVITY_DESC'));
    expect(columnHeader(/^Last Activity/)).toHaveAttribute('aria-sort', 'descending');
    expect(columnHeader(/^Score/)).toHaveAttribute('aria-sort', 'none');
    expect(window.location.search).toBe('?sort=lastActivity');

    // Keyboard operable: the header is a real button.
    within(columnHeader(/^Score/)).getByRole('button').focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(api.lastViewVars()?.sort).toBe('SCORE_DESC'));
    expect(columnHeader(/^Score/)).toHaveAttribute('aria-sort', 'descending');
    expect(window.location.search).toBe('');
  });

  it('min score filter changes the variables and the URL, and resets the page', async () => {
    setUrl('?page=2&limit=25');
    const api = installFakeApi({ leads: Array.from({ length: 60 }, (_, i) => makeLead(i % 12, { leadId: `l${i}` })) });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    expect(api.lastViewVars()).toMatchObject({ page: 2, limit: 25 });

    await user.type(screen.getByLabelText('Min score'), '40');
    await waitFor(() => expect(api.lastViewVars()?.filter).toEqual({ minScore: 40 }));
    expect(api.lastViewVars()?.page).toBe(1);
    expect(new URLSearchParams(window.location.search).get('minScore')).toBe('40');
    expect(new URLSearchParams(window.location.search).get('page')).toBeNull();
    await waitForRows();
    for (const row of within(leadsTable()).getAllByRole('row').slice(1)) {
      expect(Number(row.getAttribute('data-score'))).toBeGreaterThanOrEqual(40);
    }
  });

  it('rejects an out-of-range min score without querying', async () => {
    const api = installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    const before = api.viewCalls().length;
    await user.type(screen.getByLabelText('Min score'), '150');
    expect(screen.getByLabelText('Min score')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('Enter a number from 0 to 100.')).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 500));
    expect(api.viewCalls()).toHaveLength(before);
  });

  it('owner filter lists the owners of the view and changes the variables and the URL', async () => {
    const api = installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    const select = screen.getByLabelText('Owner');
    await waitFor(() => expect(within(select).getByRole('option', { name: 'Rep Two' })).toBeInTheDocument());
    await user.selectOptions(select, 'u2');
    await waitFor(() => expect(api.lastViewVars()?.filter).toEqual({ ownerId: 'u2' }));
    expect(new URLSearchParams(window.location.search).get('owner')).toBe('u2');
    await waitFor(() => expect(leadsTable().getAttribute('data-view')).toBe('?owner=u2'));
    const rows = await waitForRows();
    rows.forEach((r) => expect(within(r).getByText('Rep Two')).toBeInTheDocument());
    // The distribution in the same answer follows the same filter: Rep Two owns 6 of the 12 leads.
    expect(screen.getByText('6 leads in view')).toBeInTheDocument();
  });

  it('paginates with Prev/Next and page size, reflecting it in the variables and URL', async () => {
    const api = installFakeApi({ leads: Array.from({ length: 60 }, (_, i) => makeLead(i % 12, { leadId: `l${i}` })) });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    expect(screen.getByText('Page 1 of 2')).toBeInTheDocument();
    const prev = screen.getByRole('button', { name: /Prev/ });
    const next = screen.getByRole('button', { name: /Next/ });
    expect(prev).toBeDisabled();
    expect(next).toBeEnabled();

    await user.click(next);
    await waitFor(() => expect(api.lastViewVars()?.page).toBe(2));
    expect(window.location.search).toBe('?page=2');
    await waitFor(() => expect(screen.getByText('Page 2 of 2')).toBeInTheDocument());
    await waitFor(() => expect(screen.getByRole('button', { name: /Next/ })).toBeDisabled());

    await user.click(screen.getByRole('button', { name: /Prev/ }));
    await waitFor(() => expect(api.lastViewVars()?.page).toBe(1));

    await user.selectOptions(screen.getByLabelText('Rows per page'), '25');
    await waitFor(() => expect(api.lastViewVars()).toMatchObject({ page: 1, limit: 25 }));
    expect(window.location.search).toBe('?limit=25');
    await waitFor(() => expect(screen.getByText('Page 1 of 3')).toBeInTheDocument());
  }, 60_000);

  it("shows the model's share of the trend in words in the row (UI QA M1, L4)", async () => {
    const trend = { change7d: 35, crossedAt: null, crossedFrom: null, crossedTo: null, modelChangedAt: '2026-11-30T09:00:00Z' };
    installFakeApi({
      leads: [makeLead(0, { trend: { ...trend, modelShare7d: 34 } }), makeLead(1, { trend: { ...trend, modelShare7d: null } })],
    });
    renderWithSWR(<LeadScoringDashboard />);
    await screen.findByRole('button', { name: 'Lead 0' });
    const row = (id: string) => document.querySelector<HTMLElement>(`tr[data-lead-id="${id}"]`)!;
    expect(within(row('lead-0')).getByTestId('trend-short')).toHaveTextContent('+35 · model +34');
    expect(within(row('lead-1')).getByTestId('trend-short')).toHaveTextContent('model change');
  });

  it('marks the model change on the row’s sparkline and names it there (UI QA: jump without a marker)', async () => {
    const computedAt = '2026-12-01T09:00:00Z';
    const trend = { change7d: 35, crossedAt: null, crossedFrom: null, crossedTo: null, modelChangedAt: '2026-11-30T09:00:00Z', modelShare7d: 34 };
    const sparkline = [...Array.from({ length: 29 }, () => 40), 75];
    installFakeApi({
      leads: [makeLead(0, { computedAt, trend, sparkline, score: 75 }), makeLead(1, { computedAt, sparkline })],
    });
    renderWithSWR(<LeadScoringDashboard />);
    await screen.findByRole('button', { name: 'Lead 0' });
    const row = (id: string) => document.querySelector<HTMLElement>(`tr[data-lead-id="${id}"]`)!;
    expect(within(row('lead-0')).getByRole('img', { name: 'Score over the last 30 days: from 40 to 75; model changed Nov 30' })).toBeInTheDocument();
    expect(within(row('lead-0')).getByTestId('sparkline-model-change')).toHaveAttribute('x1', '77.3');
    expect(within(row('lead-1')).queryByTestId('sparkline-model-change')).toBeNull();
    expect(within(row('lead-1')).getByRole('img', { name: /^Score over the last 30 days/ })).not.toHaveAccessibleName(/model/);
  });

  it('wraps a long unbroken lead name instead of widening the table', async () => {
    const name = 'W'.repeat(200);
    installFakeApi({ leads: [makeLead(0, { name, company: 'C'.repeat(200) })] });
    renderWithSWR(<LeadScoringDashboard />);
    const [row] = await waitForRows();
    // jsdom has no layout: the class that lets the browser break the word anywhere.
    expect(within(row!).getByRole('button', { name })).toHaveClass('wrap-anywhere');
    expect(within(row!).getByText('C'.repeat(200))).toHaveClass('wrap-anywhere');
  });

  it('sizes the "Moved up a tier" select for its longest option', async () => {
    installFakeApi();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    const select = screen.getByLabelText('Moved up a tier');
    const width = /\bsm:w-(\d+)\b/.exec(select.className);
    expect(width).not.toBeNull();
    // Tailwind's sm:w-N is N × 4 px. At text-sm an average character is about 7 px; 7.5 px
    // leaves margin, plus 40 px for the padding and the arrow.
    const longest = Math.max(...within(select).getAllByRole('option').map((o) => o.textContent!.length));
    expect(Number(width![1]) * 4).toBeGreaterThanOrEqual(longest * 7.5 + 40);
  });

  it('reads the initial view from the URL', async () => {
    setUrl('?sort=lastActivity&minScore=40&owner=u123&page=2&limit=100');
    const api = installFakeApi();
    renderWithSWR(<LeadScoringDashboard />);
    await waitFor(() => expect(api.viewCalls().length).toBeGreaterThan(0));
    expect(api.lastViewVars()).toEqual({
      filter: { minScore: 40, ownerId: 'u123' },
      sort: 'LAST_ACTIVITY_DESC',
      page: 2,
      limit: 100,
      refresh: false,
      staleDays: 30,
      withMe: true,
    });
    expect(screen.getByLabelText('Min score')).toHaveValue(40);
    expect(screen.getByLabelText('Owner')).toHaveValue('u123');
    expect(screen.getByLabelText('Rows per page')).toHaveValue('100');
  });
});

describe('LeadScoringDashboard — states', () => {
  it('shows skeleton rows while loading', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    installFakeApi({ viewHandler: () => gate.then(() => undefined) });
    renderWithSWR(<LeadScoringDashboard />);
    await waitFor(() => expect(screen.getAllByTestId('skeleton-row').length).toBeGreaterThan(0));
    expect(leadsTable()).toHaveAttribute('aria-busy', 'true');
    expect(leadsTable()).toHaveAttribute('data-state', 'loading');
    await act(async () => release());
    await waitForRows();
    expect(screen.queryAllByTestId('skeleton-row')).toHaveLength(0);
  });

  it('shows the empty state with a Clear filters button', async () => {
    setUrl('?minScore=99&owner=u1');
    const api = installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    const empty = await screen.findByTestId('empty-state');
    expect(within(empty).getByText('No leads match')).toBeInTheDocument();
    await user.click(within(empty).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(api.lastViewVars()?.filter).toBeNull());
    expect(window.location.search).toBe('');
    await waitForRows();
    expect(screen.getByLabelText('Min score')).toHaveValue(null);
    expect(screen.getByLabelText('Owner')).toHaveValue('');
  });

  it('treats "Moved up a tier" as a filter: the empty state offers Clear filters, which clears it', async () => {
    setUrl('?movedUp=7');
    const api = installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    const empty = await screen.findByTestId('empty-state');
    expect(api.lastViewVars()?.filter).toEqual({ movedUpDays: 7 });
    expect(empty).toHaveTextContent('Try another search, a lower minimum score or fewer filters.');
    expect(empty).not.toHaveTextContent('There are no scored leads yet.');
    expect(screen.getAllByRole('button', { name: 'Clear filters' })).toHaveLength(2);

    await user.click(within(empty).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(api.lastViewVars()?.filter).toBeNull());
    expect(window.location.search).toBe('');
    await waitForRows();
    expect(screen.getByLabelText('Moved up a tier')).toHaveValue('');
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull();
  });

  it('clears "Refresh failed" once a later load of the view succeeds', async () => {
    const api = installFakeApi({
      viewHandler: (vars) =>
        vars.refresh
          ? json({ data: null, errors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED' } }] }, 429)
          : undefined,
    });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    await user.click(screen.getByRole('button', { name: /Refresh/ }));
    expect(await screen.findByText(/^Refresh failed: Too many requests/)).toHaveAttribute('role', 'alert');

    await user.selectOptions(screen.getByLabelText('Status'), 'NEW');
    await waitFor(() => expect(api.lastViewVars()?.filter).toEqual({ status: 'NEW' }));
    await waitFor(() => expect(leadsTable()).toHaveAttribute('data-view', '?status=new'));
    expect(screen.queryByText(/Refresh failed/)).toBeNull();
  });

  it('shows an error with a Retry button that refetches', async () => {
    let failing = true;
    const api = installFakeApi({
      viewHandler: () =>
        failing
          ? json({ data: null, errors: [{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] })
          : undefined,
    });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    const alert = await screen.findByTestId('leads-error');
    expect(alert).toHaveAttribute('role', 'alert');
    expect(within(alert).getByText('Could not load leads.')).toBeInTheDocument();
    expect(within(alert).getByText(/could not load this data/)).toBeInTheDocument();
    failing = false;
    const before = api.viewCalls().length;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(api.viewCalls().length).toBeGreaterThan(before));
    await waitForRows();
    expect(screen.queryByTestId('leads-error')).toBeNull();
  });

  it('names the problem for RATE_LIMITED errors', async () => {
    installFakeApi({
      viewHandler: () => json({ data: null, errors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED' } }] }),
    });
    renderWithSWR(<LeadScoringDashboard />);
    const alert = await screen.findByTestId('leads-error');
    expect(alert).toHaveTextContent(/Too many requests/);
  });

  it('shows a "no data" badge for leads without activity', async () => {
    installFakeApi({ leads: [makeLead(0), makeLead(1, { hasActivity: false, raw: null, lastActivityAt: null })] });
    renderWithSWR(<LeadScoringDashboard />);
    const rows = await waitForRows();
    expect(within(rows[0]!).queryByText('no data')).toBeNull();
    expect(within(rows[1]!).getByText('no data')).toBeInTheDocument();
  });

  it('Refresh runs the query with refresh: true and shows "updated … ago"', async () => {
    const api = installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    expect(screen.getByTestId('updated-ago')).toHaveTextContent(/updated (just now|\d+ s ago)/);
    const before = api.requestCount();
    await user.click(screen.getByRole('button', { name: /Refresh/ }));
    await waitFor(() => expect(api.lastViewVars()?.refresh).toBe(true));
    await waitFor(() => expect(screen.getByRole('button', { name: /Refresh/ })).toBeEnabled());
    // One request recomputes and reloads the whole view (distribution and counts included).
    expect(api.requestCount()).toBe(before + 1);
    expect(api.lastViewVars()?.withMe).toBe(false);
  });
});
