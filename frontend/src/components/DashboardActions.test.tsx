import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { AUTH_PAYLOAD, DAY, installFakeApi, json, makeLead } from '../test/fakeApi';
import { renderWithSWR, setUrl } from '../test/render';
import { LeadScoringDashboard } from './LeadScoringDashboard';

const table = () => screen.getByRole('table', { name: /^Leads, sorted by/ });
const urlParam = (k: string) => new URLSearchParams(window.location.search).get(k);
/** The filter of every dashboard view request so far, oldest first. */
const viewFilters = (api: ReturnType<typeof installFakeApi>) =>
  api.calls.filter((c) => c.operationName === 'DashboardView').map((c) => c.variables?.filter);
const row = (leadId: string) => table().querySelector<HTMLElement>(`tr[data-lead-id="${leadId}"]`)!;

async function waitForRows() {
  await waitFor(() => expect(table()).toHaveAttribute('data-state', 'ready'));
  await waitFor(() => expect(table()).toHaveAttribute('aria-busy', 'false'));
}

beforeEach(() => {
  setUrl('');
  __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('lead email and status', () => {
  it('shows the email as a mailto: link and the company', async () => {
    installFakeApi();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    const link = within(row('lead-0')).getByRole('link', { name: 'lead0@example.com' });
    expect(link).toHaveAttribute('href', 'mailto:lead0@example.com');
    expect(within(row('lead-0')).getByText('Acme Corp')).toBeInTheDocument();
  });

  it('sets a status from the table row with one mutation and no refetch of the view', async () => {
    const api = installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    const select = within(row('lead-1')).getByRole('combobox', { name: 'Status of Lead 1' });
    expect(select).toHaveValue('NEW');
    const before = api.requestCount();

    await user.selectOptions(select, 'CONTACTED');
    await waitFor(() => expect(row('lead-1')).toHaveAttribute('data-status', 'CONTACTED'));
    expect(api.calls.at(-1)).toMatchObject({
      operationName: 'SetLeadStatus',
      variables: { leadId: 'lead-1', status: 'CONTACTED' },
    });
    expect(api.calls.at(-1)!.headers.Authorization).toBe('Bearer access-1');
    expect(api.requestCount()).toBe(before + 1);
    expect(within(row('lead-1')).getByRole('combobox', { name: 'Status of Lead 1' })).toHaveValue('CONTACTED');
    expect(within(row('lead-1')).getByRole('combobox')).toBeEnabled();
  });

  it('sends only the last of several quick picks', async () => {
    const api = installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    const select = within(row('lead-3')).getByRole('combobox', { name: 'Status of Lead 3' });
    await user.selectOptions(select, 'CONTACTED');
    await user.selectOptions(select, 'QUALIFIED');
    await user.selectOptions(select, 'DISQUALIFIED');
    expect(select).toHaveValue('DISQUALIFIED');
    await waitFor(() => expect(row('lead-3')).toHaveAttribute('data-status', 'DISQUALIFIED'));
    const mutations = api.calls.filter((c) => c.operationName === 'SetLeadStatus');
    expect(mutations.map((c) => c.variables)).toEqual([{ leadId: 'lead-3', status: 'DISQUALIFIED' }]);
    // Back to the saved value before the pause ends: nothing is sent.
    await user.selectOptions(select, 'NEW');
    await user.selectOptions(select, 'DISQUALIFIED');
    await new Promise((r) => setTimeout(r, 800));
    expect(api.calls.filter((c) => c.operationName === 'SetLeadStatus')).toHaveLength(1);
  });

  it('does not save arrow-key changes on a closed select until Enter; Esc undoes them (UI QA L11)', async () => {
    const api = installFakeApi();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    const select = within(row('lead-3')).getByRole('combobox', { name: 'Status of Lead 3' });
    select.focus();
    // What Chromium does for ↓ on a closed select: keydown, then change at once.
    const arrow = (value: string) => {
      fireEvent.keyDown(select, { key: 'ArrowDown' });
      fireEvent.change(select, { target: { value } });
    };
    const sent = () => api.calls.filter((c) => c.operationName === 'SetLeadStatus');
    arrow('CONTACTED');
    arrow('QUALIFIED');
    await new Promise((r) => setTimeout(r, 800));
    expect(sent()).toHaveLength(0);
    expect(select).toHaveValue('QUALIFIED');
    expect(select).toHaveAccessibleDescription('Enter to save, Esc to undo');

    fireEvent.keyDown(select, { key: 'Escape' });
    expect(select).toHaveValue('NEW');
    expect(within(row('lead-3')).queryByText('Enter to save, Esc to undo')).toBeNull();

    arrow('CONTACTED');
    fireEvent.keyDown(select, { key: 'Enter' });
    await waitFor(() => expect(row('lead-3')).toHaveAttribute('data-status', 'CONTACTED'));
    expect(sent().map((c) => c.variables)).toEqual([{ leadId: 'lead-3', status: 'CONTACTED' }]);

    // Leaving the select keeps (saves) a keyboard choice.
    arrow('QUALIFIED');
    fireEvent.blur(select);
    await waitFor(() => expect(row('lead-3')).toHaveAttribute('data-status', 'QUALIFIED'));
    expect(sent()).toHaveLength(2);
  });

  it('reports a failed status change and keeps the old value', async () => {
    installFakeApi({
      statusHandler: () => json({ data: null, errors: [{ message: 'nope', extensions: { code: 'FORBIDDEN' } }] }),
    });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    await user.selectOptions(within(row('lead-2')).getByRole('combobox'), 'DISQUALIFIED');
    const alert = await within(row('lead-2')).findByRole('alert');
    expect(alert).toHaveTextContent('Status not saved: You do not have permission');
    expect(within(row('lead-2')).getByRole('combobox')).toHaveValue('NEW');
    expect(within(row('lead-2')).getByRole('combobox')).toHaveAttribute('aria-invalid', 'true');
  });

  it('filters by status (in the URL)', async () => {
    const api = installFakeApi({ leads: [makeLead(0), makeLead(1, { status: 'QUALIFIED' }), makeLead(2, { status: 'QUALIFIED' })] });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    await user.selectOptions(screen.getByLabelText('Status'), 'QUALIFIED');
    await waitFor(() => expect(api.lastViewVars()?.filter).toEqual({ status: 'QUALIFIED' }));
    expect(urlParam('status')).toBe('qualified');
    await waitForRows();
    const rows = within(table()).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-status'))).toEqual(['QUALIFIED', 'QUALIFIED']);
  });
});

describe('data quality', () => {
  const LEADS = [
    makeLead(0),
    makeLead(1, { hasActivity: false, lastActivityAt: null, raw: null }),
    makeLead(2, { lastActivityAt: new Date(Date.now() - 45 * DAY).toISOString() }),
    makeLead(3, { lastActivityAt: new Date(Date.now() - 10 * DAY).toISOString() }),
  ];

  it('shows the counts in the header and filters by them (in the URL)', async () => {
    const api = installFakeApi({ leads: LEADS });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    const dq = screen.getByRole('group', { name: 'Data quality' });
    const noActivity = within(dq).getByRole('button', { name: /No activity data/ });
    const stale = within(dq).getByRole('button', { name: /Stale \(over 30 days\)/ });
    expect(noActivity).toHaveTextContent('No activity data1');
    // Never-active leads count as stale too: lead-1 and lead-2.
    expect(stale).toHaveTextContent('2');
    expect(within(dq).getByText('of 4 leads')).toBeInTheDocument();
    expect(api.lastViewVars()?.staleDays).toBe(30);

    await user.click(noActivity);
    // Any view request after the click (SWR may still revalidate an earlier view after it).
    await waitFor(() => expect(viewFilters(api)).toContainEqual({ noActivity: true }));
    expect(urlParam('noActivity')).toBe('1');
    expect(within(dq).getByRole('button', { name: /No activity data/ })).toHaveAttribute('aria-pressed', 'true');
    await waitForRows();
    expect(within(table()).getAllByRole('row').slice(1).map((r) => r.getAttribute('data-lead-id'))).toEqual(['lead-1']);

    await user.click(noActivity);
    await user.click(stale);
    await waitFor(() => expect(viewFilters(api)).toContainEqual({ staleDays: 30 }));
    expect(urlParam('stale')).toBe('1');
    expect(urlParam('noActivity')).toBeNull();
    await waitForRows();
    expect(within(table()).getAllByRole('row').slice(1).map((r) => r.getAttribute('data-lead-id'))).toEqual(['lead-1', 'lead-2']);

    // A shorter threshold: counts and filter follow (one request).
    await user.clear(screen.getByLabelText('Stale after (days)'));
    await user.type(screen.getByLabelText('Stale after (days)'), '7');
    await waitFor(() =>
      expect(api.calls.map((c) => c.variables)).toContainEqual(
        expect.objectContaining({ filter: { staleDays: 7 }, staleDays: 7 }),
      ),
    );
    expect(urlParam('staleDays')).toBe('7');
    await waitFor(() => expect(within(dq).getByRole('button', { name: /Stale \(over 7 days\)/ })).toHaveTextContent(/3$/));
  });

  it('rejects a threshold that is not a whole number of days', async () => {
    const api = installFakeApi({ leads: LEADS });
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    const before = api.viewCalls().length;
    await user.type(screen.getByLabelText('Stale after (days)'), '2.5');
    expect(screen.getByLabelText('Stale after (days)')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText('Enter a whole number from 1 to 3650.')).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 500));
    expect(api.viewCalls()).toHaveLength(before);
  });
});

describe('CSV export', () => {
  function captureDownloads() {
    const created: Blob[] = [];
    const downloads: { name: string; href: string }[] = [];
    Object.defineProperty(URL, 'createObjectURL', {
      configurable: true,
      value: vi.fn((b: Blob) => {
        created.push(b);
        return 'blob:test/1';
      }),
    });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: vi.fn() });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push({ name: this.download, href: this.getAttribute('href') ?? '' });
    });
    return { created, downloads };
  }

  /** Export the dashboard's view as CSV; the value of one parameter of the REST request it made. */
  async function exportedParam(name: string): Promise<string | null> {
    const api = installFakeApi();
    captureDownloads();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await user.click(await screen.findByRole('button', { name: /Export CSV/ }));
    await waitFor(() => expect(api.restCalls).toHaveLength(1));
    return new URL(api.restCalls[0]!.url, 'http://x').searchParams.get(name);
  }

  it('downloads the current filtered, sorted view with the bearer token', async () => {
    setUrl('?q=acme&status=contacted&minScore=20&sort=lastActivity&stale=1&staleDays=14&page=3');
    const api = installFakeApi();
    const { created, downloads } = captureDownloads();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitFor(() => expect(api.viewCalls()).toHaveLength(1));

    await user.click(screen.getByRole('button', { name: /Export CSV/ }));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(api.restCalls).toHaveLength(1);
    const url = new URL(api.restCalls[0]!.url, 'http://x');
    expect(url.pathname).toBe('/leads/scoring');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      format: 'csv',
      sort: 'lastActivityAt:desc',
      search: 'acme',
      status: 'contacted',
      minScore: '20',
      staleDays: '14',
    });
    expect(api.restCalls[0]!.headers).toMatchObject({ Authorization: 'Bearer access-1', Accept: 'text/csv' });
    const d = new Date();
    const stamp = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    expect(downloads[0]).toEqual({ name: `leads-${stamp}.csv`, href: 'blob:test/1' });
    expect(await created[0]!.text()).toContain('leadId,leadName,score');
  });

  it('exports the "Moved up a tier" view with its filter', async () => {
    setUrl('?movedUp=14');
    expect(await exportedParam('movedUpDays')).toBe('14');
  });

  it('a rep on "Mine" exports their own leads', async () => {
    __setSessionForTests({ userId: 'u1', tenantId: 't1', email: 'r@x', name: 'Rep One', role: 'rep' }, 'access-rep');
    expect(await exportedParam('ownerId')).toBe('u1');
  });

  it('names the problem when the export is rate limited', async () => {
    installFakeApi({
      exportHandler: () => json({ error: { code: 'RATE_LIMITED', message: 'Too many', details: [] } }, 429, { 'Retry-After': '12' }),
    });
    const { downloads } = captureDownloads();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await user.click(await screen.findByRole('button', { name: /Export CSV/ }));
    expect(await screen.findByText(/Export failed: Too many requests — try again in 12 s/)).toHaveAttribute('role', 'alert');
    expect(downloads).toHaveLength(0);
  });
});
