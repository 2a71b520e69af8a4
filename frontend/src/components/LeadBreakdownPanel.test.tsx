import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { AUTH_PAYLOAD, installFakeApi, LEAD_DETAIL } from '../test/fakeApi';
import { renderWithSWR, setUrl } from '../test/render';
import { LeadBreakdownPanel } from './LeadBreakdownPanel';
import { LeadScoringDashboard } from './LeadScoringDashboard';

beforeEach(() => {
  setUrl('');
  __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
});

describe('LeadBreakdownPanel', () => {
  it('shows contributions, the decay and raw counts vs caps', async () => {
    const api = installFakeApi();
    renderWithSWR(<LeadBreakdownPanel leadId="lead-0" onClose={() => {}} />);
    const dialog = screen.getByRole('dialog');
    await waitFor(() => expect(dialog).toHaveAccessibleName('Lead 0'));
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(api.calls.find((c) => c.operationName === 'LeadDetail')?.variables).toEqual({ leadId: 'lead-0' });

    // Contributions (points before decay), in the legend and the stacked bar.
    const contributions = within(dialog).getByRole('list', { name: 'Contributions' });
    expect(within(contributions).getByText('Email opens').closest('li')).toHaveTextContent('12 pts');
    expect(within(contributions).getByText('Website visits').closest('li')).toHaveTextContent('12.25 pts');
    expect(within(contributions).getByText('Time spent').closest('li')).toHaveTextContent('5.21 pts');
    expect(within(contributions).getByText('Sum of contributions').closest('li')).toHaveTextContent('29.46 pts');
    const bar = within(dialog).getByRole('img', { name: /Contributions before decay/ });
    expect(bar).toHaveAccessibleName(
      'Contributions before decay: Email opens 12 points, Website visits 12.25 points, Time spent 5.21 points; total 29.46 points',
    );
    expect(bar.children).toHaveLength(3);

    // Score ≈ sum × decay.
    expect(within(dialog).getByTestId('score-equation')).toHaveTextContent('29.46 pts × decay 0.707 = 20.83 ≈ score 20.8');
    expect(within(dialog).getByText('Cold 20.8')).toBeInTheDocument();
    expect(within(dialog).getByTestId('trend')).toHaveTextContent('+12 since last week; crossed into hot on Nov 3');
    expect(within(dialog).getByRole('img', { name: 'Score over the last 2 days: from 8.8 to 20.8' })).toBeInTheDocument();

    // Decay factor and days since last activity (at computation time: 3.5 days).
    expect(within(dialog).getByTestId('decay-factor')).toHaveTextContent('0.707 (70.7% kept)');
    expect(within(dialog).getByTestId('days-since')).toHaveTextContent(/^3\.5 days when computed/);
    expect(within(dialog).getByText('7 days')).toBeInTheDocument();

    // Raw counts vs caps.
    const table = within(dialog).getByTestId('raw-vs-caps');
    const row = (name: string) => within(table).getByRole('rowheader', { name }).closest('tr')!;
    expect(within(row('Email opens')).getAllByRole('cell').map((c) => c.textContent)).toEqual(['3', '10', '0.4', '12']);
    expect(within(row('Website visits')).getAllByRole('cell').map((c) => c.textContent)).toEqual(['7', '20', '0.35', '12.25']);
    expect(within(row('Time spent')).getAllByRole('cell').map((c) => c.textContent)).toEqual([
      '2 min (125 s)',
      '10 min (600 s)',
      '0.25',
      '5.21',
    ]);

    // When the score was computed, and the config version.
    expect(within(dialog).getByText(/2026-11-23T22:00:00.000Z/)).toBeInTheDocument();
    expect(within(dialog).getByText('Scoring config version 3')).toBeInTheDocument();
  });

  it('shows the cap at 100 points as its own step when the weights sum to more than 1', async () => {
    // Weights summing to 2: 160 points before decay, of which the score counts 100.
    installFakeApi({
      leadDetail: {
        ...LEAD_DETAIL,
        lead: {
          ...LEAD_DETAIL.lead!,
          score: 56,
          priority: 'WARM',
          breakdown: { emailOpens: 80, websiteVisits: 70, timeSpent: 10, decayFactor: 0.56 },
        },
        scoringConfig: { ...LEAD_DETAIL.scoringConfig, weights: { emailOpens: 0.8, websiteVisits: 0.7, timeSpent: 0.5 } },
      },
    });
    renderWithSWR(<LeadBreakdownPanel leadId="lead-0" onClose={() => {}} />);
    const dialog = screen.getByRole('dialog');
    const equation = await within(dialog).findByTestId('score-equation');
    expect(equation).toHaveTextContent(/^160 pts, capped at 100 × decay 0\.560 = 56 ≈ score 56/);
    expect(within(dialog).getByText('Sum of contributions').closest('li')).toHaveTextContent('160 pts');
  });

  it('shows 69.97 as 69.9 in the badge and the equation, never as the hot threshold 70', async () => {
    // 10 opens, 17 visits, 5.28 s with no decay: 40 + 29.75 + 0.22 = 69.97 (hot starts at 70).
    installFakeApi({
      leadDetail: {
        ...LEAD_DETAIL,
        lead: {
          ...LEAD_DETAIL.lead!,
          score: 69.97,
          priority: 'WARM',
          sparkline: [69.97],
          breakdown: { emailOpens: 40, websiteVisits: 29.75, timeSpent: 0.22, decayFactor: 1 },
        },
      },
    });
    renderWithSWR(<LeadBreakdownPanel leadId="lead-0" onClose={() => {}} />);
    const dialog = screen.getByRole('dialog');
    const equation = await within(dialog).findByTestId('score-equation');
    expect(equation).toHaveTextContent(/^69\.97 pts × decay 1\.000 = 69\.97 ≈ score 69\.9Score/);
    expect(within(equation).getByText('69.9')).toHaveAttribute('title', 'Exactly 69.97; shown cut to one decimal');
    expect(within(dialog).getByText('Warm 69.9')).toBeInTheDocument();
    expect(within(dialog).getByRole('img', { name: 'Score over the last 1 days: from 69.9 to 69.9' })).toBeInTheDocument();
  });

  it('says the score is 0 because there is no last-activity date, next to non-zero counts', async () => {
    installFakeApi({
      leadDetail: {
        ...LEAD_DETAIL,
        lead: {
          ...LEAD_DETAIL.lead!,
          score: 0,
          lastActivityAt: null,
          breakdown: { ...LEAD_DETAIL.lead!.breakdown, decayFactor: 0 },
        },
      },
    });
    renderWithSWR(<LeadBreakdownPanel leadId="lead-0" onClose={() => {}} />);
    const dialog = screen.getByRole('dialog');
    const equation = await within(dialog).findByTestId('score-equation');
    expect(equation).toHaveTextContent('29.46 pts × decay 0.000 = 0 ≈ score 0');
    expect(equation).toHaveTextContent('No last-activity date is recorded, so the decay factor is 0 and the score is 0.');
    expect(within(dialog).getByTestId('days-since')).toHaveTextContent('No last-activity date recorded');
  });

  it('wraps a long unbroken lead name in the heading', async () => {
    const name = 'W'.repeat(200);
    installFakeApi({ leadDetail: { ...LEAD_DETAIL, lead: { ...LEAD_DETAIL.lead!, name } } });
    renderWithSWR(<LeadBreakdownPanel leadId="lead-0" onClose={() => {}} />);
    const heading = await screen.findByRole('heading', { name, level: 2 });
    expect(heading).toHaveClass('wrap-anywhere');
    expect(heading).not.toHaveClass('truncate');
  });

  it('opens from the lead name (Enter), focuses the dialog, closes on Esc and restores focus', async () => {
    installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    const nameButton = await screen.findByRole('button', { name: 'Lead 0' });
    nameButton.focus();
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveAttribute('aria-labelledby');
    await waitFor(() => expect(dialog).toHaveAccessibleName('Lead 0'));
    expect(within(dialog).getByRole('button', { name: /Close/ })).toHaveFocus();

    // Focus stays inside the dialog.
    await user.tab();
    await user.tab();
    expect(dialog.contains(document.activeElement)).toBe(true);

    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(screen.getByRole('button', { name: 'Lead 0' })).toHaveFocus());
  });

  it('shows email, company and who set the status, and sets it from the panel (the row follows)', async () => {
    const api = installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await user.click(await screen.findByRole('button', { name: 'Lead 0' }));
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(dialog).toHaveAccessibleName('Lead 0'));
    expect(within(dialog).getByRole('link', { name: 'lead0@example.com' })).toHaveAttribute('href', 'mailto:lead0@example.com');
    expect(within(dialog).getByText('Acme Corp')).toBeInTheDocument();
    const status = within(dialog).getByRole('combobox', { name: 'Status' });
    expect(status).toHaveValue('CONTACTED');
    const setBy = within(dialog).getByTestId('status-set-by');
    expect(setBy).toHaveTextContent(/^Set by Rep One/);
    expect(within(setBy).getByText(/ago$/).tagName).toBe('TIME');
    expect(within(setBy).getByText(/ago$/)).toHaveAttribute('dateTime', '2026-11-22T09:00:00.000Z');

    await user.selectOptions(status, 'QUALIFIED');
    await waitFor(() => expect(within(dialog).getByTestId('status-set-by')).toHaveTextContent(/^Set by Maria Manager just now/));
    expect(api.calls.at(-1)).toMatchObject({ operationName: 'SetLeadStatus', variables: { leadId: 'lead-0', status: 'QUALIFIED' } });
    expect(within(dialog).getByRole('combobox', { name: 'Status' })).toHaveValue('QUALIFIED');
    // The table row behind the panel shows the new status without a refetch.
    const row = document.querySelector('tr[data-lead-id="lead-0"]')!;
    expect(row).toHaveAttribute('data-status', 'QUALIFIED');
    expect(api.viewCalls()).toHaveLength(1);
  });

  it("says in words how much of the change the model made (UI QA M1)", async () => {
    const lead = {
      ...LEAD_DETAIL.lead!,
      trend: { change7d: 35, crossedAt: '2026-11-30T10:00:00Z', crossedFrom: 'WARM' as const, crossedTo: 'HOT' as const, modelChangedAt: '2026-11-30T09:00:00Z', modelShare7d: 34 },
    };
    installFakeApi({ leadDetail: { ...LEAD_DETAIL, lead } });
    renderWithSWR(<LeadBreakdownPanel leadId="lead-0" onClose={() => {}} />);
    const dialog = screen.getByRole('dialog');
    await waitFor(() => expect(dialog).toHaveAccessibleName('Lead 0'));
    const trend = within(dialog).getByTestId('trend');
    expect(within(trend).getByText('+35 since last week, of which +34 from the model change of Nov 30; crossed into hot on Nov 30')).toBeVisible();
    expect(within(trend).getByText('▶')).toBeInTheDocument();
  });

  it('marks the model change on the panel’s sparkline (UI QA: jump without a marker)', async () => {
    const lead = {
      ...LEAD_DETAIL.lead!,
      computedAt: '2026-12-01T09:00:00Z',
      sparkline: [10, 10, 10, 10, 10, 10, 40],
      trend: { change7d: 35, crossedAt: null, crossedFrom: null, crossedTo: null, modelChangedAt: '2026-11-30T09:00:00Z', modelShare7d: 34 },
    };
    installFakeApi({ leadDetail: { ...LEAD_DETAIL, lead } });
    renderWithSWR(<LeadBreakdownPanel leadId="lead-0" onClose={() => {}} />);
    const dialog = screen.getByRole('dialog');
    const trend = await within(dialog).findByTestId('trend');
    expect(within(trend).getByRole('img', { name: 'Score over the last 7 days: from 10 to 20.8; model changed Nov 30' })).toBeInTheDocument();
    expect(within(trend).getByTestId('sparkline-model-change')).toBeInTheDocument();
  });

  it('closes with the Close button', async () => {
    installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await user.click(await screen.findByRole('button', { name: 'Lead 1' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: /Close/ }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
