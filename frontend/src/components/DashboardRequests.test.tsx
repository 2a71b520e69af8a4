import { StrictMode } from 'react';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { SWRConfig } from 'swr';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { AUTH_PAYLOAD, installFakeApi, makeLead } from '../test/fakeApi';
import { setUrl } from '../test/render';
import { AppHeader } from './AppHeader';
import { LeadScoringDashboard } from './LeadScoringDashboard';

// The app's own SWR setup (default de-duplication), in StrictMode like main.tsx.
function renderApp() {
  return render(
    <StrictMode>
      <SWRConfig value={{ provider: () => new Map() }}>
        <AppHeader user={AUTH_PAYLOAD.user} onSignOut={async () => {}} />
        <LeadScoringDashboard />
      </SWRConfig>
    </StrictMode>,
  );
}

const table = () => screen.getByRole('table', { name: /^Leads, sorted by/ });

const canon = (q: string | null) => [...new URLSearchParams(q ?? '')].map(([k, v]) => `${k}=${v}`).sort().join('&');

/** Waits until the table shows the answer for the current URL. */
async function settled() {
  await waitFor(() => {
    expect(canon(table().getAttribute('data-view'))).toBe(canon(window.location.search));
    expect(table()).toHaveAttribute('aria-busy', 'false');
  });
}

beforeEach(() => {
  setUrl('');
  __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
});

afterEach(() => {
  vi.useRealTimers();
});

describe('one GraphQL request per dashboard view', () => {
  it('loads leads, distribution, owners, data quality and me in one request, then one per change', async () => {
    setUrl('?limit=25');
    const api = installFakeApi({ leads: Array.from({ length: 60 }, (_, i) => makeLead(i % 12, { leadId: `l${i}` })) });
    const user = userEvent.setup();
    renderApp();
    await settled();

    // First load: one request, and it carries `me` for the header.
    expect(api.requestCount()).toBe(1);
    expect(api.calls.map((c) => c.operationName)).toEqual(['DashboardView']);
    expect(api.lastViewVars()?.withMe).toBe(true);
    expect(await screen.findByText('Acme')).toBeInTheDocument();
    expect(screen.getByText('60 leads in view')).toBeInTheDocument();
    expect(within(screen.getByTestId('data-quality')).getByText('of 60 leads')).toBeInTheDocument();

    const steps: [string, () => Promise<void>][] = [
      ['sort', () => user.click(within(screen.getByRole('columnheader', { name: /^Last Activity/ })).getByRole('button'))],
      ['next page', () => user.click(screen.getByRole('button', { name: /Next/ }))],
      ['owner', () => user.selectOptions(screen.getByLabelText('Owner'), 'u2')],
      ['status filter', () => user.selectOptions(screen.getByLabelText('Status'), 'NEW')],
      ['page size', () => user.selectOptions(screen.getByLabelText('Rows per page'), '50')],
      ['no activity', () => user.click(screen.getByRole('button', { name: /No activity data/ }))],
      ['back to score', () => user.click(within(screen.getByRole('columnheader', { name: /^Score/ })).getByRole('button'))],
    ];
    for (const [what, step] of steps) {
      const before = api.requestCount();
      await step();
      await settled();
      expect(api.requestCount(), `${what}: exactly one request`).toBe(before + 1);
      expect(api.calls.at(-1)?.operationName).toBe('DashboardView');
      expect(api.lastViewVars()?.withMe, `${what}: me is not asked again`).toBe(false);
    }
    expect(new Set(api.calls.map((c) => c.operationName))).toEqual(new Set(['DashboardView']));
  }, 60_000);

  it('types a min score and a search with one request each (debounced)', async () => {
    const api = installFakeApi();
    const user = userEvent.setup();
    renderApp();
    await settled();
    const before = api.requestCount();
    // each field is typed out before the next one starts (typed back to back, a slow run may
    // fold both into one request, which is fine but not what this test counts)
    await user.type(screen.getByLabelText('Min score'), '40');
    await waitFor(() => expect(api.lastViewVars()?.filter).toEqual({ minScore: 40 }));
    await settled();
    expect(api.requestCount()).toBe(before + 1);
    await user.type(screen.getByLabelText('Search'), 'lead');
    await waitFor(() => expect(api.lastViewVars()?.filter).toEqual({ minScore: 40, search: 'lead' }));
    await settled();
    expect(api.requestCount()).toBe(before + 2);
  });

  it('keeps the previous page on screen, marked busy, while the next one loads', async () => {
    let release!: () => void;
    let hold = false;
    const api = installFakeApi({
      leads: Array.from({ length: 60 }, (_, i) => makeLead(i % 12, { leadId: `l${i}` })),
      viewHandler: () => (hold ? new Promise<undefined>((r) => (release = () => r(undefined))) : undefined),
    });
    const user = userEvent.setup();
    renderApp();
    await settled();
    hold = true;
    await user.click(screen.getByRole('button', { name: /Next/ }));
    await waitFor(() => expect(api.lastViewVars()?.page).toBe(2));
    expect(table()).toHaveAttribute('aria-busy', 'true');
    expect(table()).toHaveAttribute('data-page', '1');
    expect(screen.queryAllByTestId('skeleton-row')).toHaveLength(0);
    expect(within(table()).getAllByRole('row').length).toBeGreaterThan(1);
    hold = false;
    release();
    await settled();
    expect(table()).toHaveAttribute('data-page', '2');
  });

  it('auto-refreshes the view every 60 s as one request', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const api = installFakeApi();
    renderApp();
    await settled();
    expect(api.requestCount()).toBe(1);
    const first = api.lastViewVars();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(api.requestCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(40_000);
    await waitFor(() => expect(api.requestCount()).toBe(2));
    expect(api.calls.map((c) => c.operationName)).toEqual(['DashboardView', 'DashboardView']);
    expect(api.lastViewVars()).toEqual({ ...first, withMe: false });
    await vi.advanceTimersByTimeAsync(60_000);
    await waitFor(() => expect(api.requestCount()).toBe(3));
    // 60 s apart (the timer runs from mount, the first answer came within a few seconds).
    const gap = api.calls[2]!.at - api.calls[1]!.at;
    expect(gap).toBeGreaterThanOrEqual(59_000);
    expect(gap).toBeLessThanOrEqual(61_000);
  });
});
