import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { GraphQLRequestError } from '../api/client';
import { ScoreDistributionChart } from './ScoreDistributionChart';

const DIST = {
  total: 45,
  bands: Array.from({ length: 10 }, (_, i) => ({ min: i * 10, max: i * 10 + 10, count: i })),
  priorities: [
    { priority: 'HOT' as const, count: 4 },
    { priority: 'WARM' as const, count: 4 },
    { priority: 'COLD' as const, count: 4 },
  ],
};

describe('ScoreDistributionChart', () => {
  it('offers a text alternative for every band of the view', () => {
    render(<ScoreDistributionChart dist={DIST} />);
    const figure = screen.getByRole('figure', { name: /Score distribution/ });
    expect(within(figure).getByText('Score 90–100: 9 leads')).toBeInTheDocument();
    expect(within(figure).getByText('Score 10–20: 1 lead')).toBeInTheDocument();
    expect(within(figure).getAllByRole('listitem')).toHaveLength(10);
    expect(within(figure).getByText('45 leads in view')).toBeInTheDocument();
  });

  it('starts collapsed below sm behind a toggle (UI QA L12)', async () => {
    const user = userEvent.setup();
    render(<ScoreDistributionChart dist={DIST} />);
    const toggle = screen.getByRole('button', { name: 'Chart' });
    const body = screen.getByTestId('score-distribution-body');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveAttribute('aria-controls', body.id);
    expect(toggle).toHaveClass('sm:hidden');
    expect(body).toHaveClass('hidden', 'sm:block');
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(body).not.toHaveClass('hidden');
    expect(screen.getByRole('figure')).toHaveAccessibleName('Score distribution 45 leads in view');
  });

  it('names the problem when the view could not load', () => {
    render(<ScoreDistributionChart dist={undefined} error={new GraphQLRequestError('x', 'RATE_LIMITED', 429)} />);
    expect(screen.getByRole('status')).toHaveTextContent(/Too many requests/);
  });
});
