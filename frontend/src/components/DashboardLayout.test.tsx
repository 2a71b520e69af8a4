import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { AUTH_PAYLOAD, installFakeApi, makeLead } from '../test/fakeApi';
import { renderWithSWR, setUrl } from '../test/render';
import { LeadScoringDashboard } from './LeadScoringDashboard';

// jsdom has no layout and no media queries: these tests check the classes that make the
// browser hide, show and keep values on one line at each breakpoint.

const table = () => screen.getByRole('table', { name: /^Leads, sorted by/ });
const filterPanel = () => screen.getByRole('search', { name: 'Filter leads' });
const filtersToggle = () => screen.getByRole('button', { name: /^Filters/ });

async function waitForRows() {
  await waitFor(() => expect(table()).toHaveAttribute('data-state', 'ready'));
  return within(table()).getAllByRole('row').slice(1);
}

/** The breakpoint from which an element shows, or 'always'. */
function shownFrom(el: Element): string {
  if (!el.classList.contains('hidden')) return 'always';
  const from = [...el.classList].find((c) => /^(sm|md|lg|xl):table-cell$/.test(c));
  return from ? from.split(':')[0]! : 'never';
}

beforeEach(() => {
  setUrl('');
  __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
});

describe('the filter panel on small screens', () => {
  it('is collapsed below md behind a labelled toggle, and opens on demand', async () => {
    installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();

    const toggle = filtersToggle();
    expect(toggle).toHaveAccessibleName('Filters');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveAttribute('aria-controls', filterPanel().id);
    // The toggle exists only below md; the panel is hidden below md and always shown from md.
    expect(toggle).toHaveClass('md:hidden');
    expect(filterPanel()).toHaveClass('hidden', 'md:flex');

    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(filterPanel()).not.toHaveClass('hidden');
    expect(filterPanel()).toHaveClass('flex');

    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(filterPanel()).toHaveClass('hidden');
  });

  it('says how many filters are active (the ones "Clear filters" resets)', async () => {
    setUrl('?q=acme&status=new&staleDays=14&scope=everyone&limit=25&sort=lastActivity');
    installFakeApi();
    renderWithSWR(<LeadScoringDashboard />);
    await waitFor(() => expect(table()).toHaveAttribute('data-state'));
    expect(filtersToggle()).toHaveAccessibleName('Filters (3 active)');
  });

  it('keeps the view settings (scope, page size) outside the panel, so they stay at hand when it is collapsed', async () => {
    installFakeApi();
    renderWithSWR(<LeadScoringDashboard />);
    await waitForRows();
    expect(within(filterPanel()).queryByRole('group', { name: 'Whose leads' })).toBeNull();
    expect(screen.getByRole('group', { name: 'Whose leads' })).toBeInTheDocument();
    expect(within(filterPanel()).queryByLabelText('Rows per page')).toBeNull();
    expect(within(screen.getByRole('navigation', { name: 'Pagination' })).getByLabelText('Rows per page')).toBeInTheDocument();
  });
});

describe('the table on narrow screens', () => {
  it('always shows name and score; the other columns appear from sm, md, lg or xl', async () => {
    installFakeApi();
    renderWithSWR(<LeadScoringDashboard />);
    const rows = await waitForRows();
    const headers = within(table()).getAllByRole('columnheader');
    expect(Object.fromEntries(headers.map((h) => [h.textContent?.replace(/▼|\(.*\)/g, '').trim(), shownFrom(h)]))).toEqual({
      'Lead Name': 'always',
      Score: 'always',
      Priority: 'md',
      Status: 'md',
      'Email Opens': 'xl',
      'Website Visits': 'xl',
      'Time Spent': 'xl',
      'Last Activity': 'sm',
      Owner: 'lg',
    });
    // Every cell follows its header.
    for (const row of rows) {
      expect(within(row).getAllByRole('cell').map(shownFrom)).toEqual(headers.map(shownFrom));
    }
    // The name column may shrink further on phones than on wider screens.
    expect(within(rows[0]!).getAllByRole('cell')[0]).toHaveClass('min-w-32', 'sm:min-w-44');
  });

  it('names the tier in the score cell, as Priority does from md: 375 px shows it once (UI QA: priority repeated)', async () => {
    installFakeApi({ leads: [makeLead(0), makeLead(8)] });
    renderWithSWR(<LeadScoringDashboard />);
    const rows = await waitForRows();
    const priorityHeader = within(table()).getByRole('columnheader', { name: 'Priority' });
    expect(shownFrom(priorityHeader)).toBe('md');
    // Status, the column Priority comes with.
    expect(shownFrom(within(table()).getByRole('columnheader', { name: 'Status' }))).toBe('md');
    for (const [row, tier] of [
      [rows[0]!, 'Hot'],
      [rows[1]!, 'Cold'],
    ] as const) {
      const score = row.querySelector('[data-col="score"]') as HTMLElement;
      // Read by screen readers too: text, not only a colour or a title.
      expect(within(score).getByText(new RegExp(`^${tier} \\d+(\\.\\d)?$`))).not.toHaveAttribute('aria-hidden');
      expect(shownFrom(score)).toBe('always');
      expect(shownFrom(row.querySelector('[data-col="priority"]')!)).toBe('md');
    }
  });

  it('keeps durations, counts and headers on one line', async () => {
    installFakeApi({ leads: [makeLead(0, { raw: { emailOpens: 3, websiteVisits: 4, timeSpent: 4740 } })] });
    renderWithSWR(<LeadScoringDashboard />);
    const [row] = await waitForRows();
    const timeSpent = row!.querySelector('[data-col="time-spent"]')!;
    expect(timeSpent).toHaveTextContent('1 h 19 min');
    expect(timeSpent).toHaveClass('whitespace-nowrap');
    within(table())
      .getAllByRole('columnheader')
      .forEach((h) => expect(h).toHaveClass('whitespace-nowrap'));
  });
});

describe('keyboard', () => {
  it('"Skip to pagination" comes before the rows and moves focus past them', async () => {
    installFakeApi();
    const user = userEvent.setup();
    renderWithSWR(<LeadScoringDashboard />);
    const [firstRow] = await waitForRows();
    const skip = screen.getByRole('link', { name: 'Skip to pagination' });
    // Visible only while focused.
    expect(skip).toHaveClass('sr-only', 'focus:not-sr-only');
    const firstRowControl = within(firstRow!).getAllByRole('button')[0]!;
    expect(skip.compareDocumentPosition(firstRowControl) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

    skip.focus();
    await user.keyboard('{Enter}');
    const nav = screen.getByRole('navigation', { name: 'Pagination' });
    expect(nav).toHaveFocus();
    expect(window.location.hash).toBe('');
    await user.tab();
    expect(within(nav).getByLabelText('Rows per page')).toHaveFocus();
  });
});
