import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { AUTH_PAYLOAD, installFakeApi } from '../test/fakeApi';
import { renderWithSWR } from '../test/render';
import { ScoreDistributionChart } from './ScoreDistributionChart';

beforeEach(() => {
  __setSessionForTests(AUTH_PAYLOAD.user, 'access-1');
});

describe('ScoreDistributionChart', () => {
  it('queries with the current filter and offers a text alternative for every band', async () => {
    const api = installFakeApi();
    renderWithSWR(<ScoreDistributionChart filter={{ minScore: 40, ownerId: null }} />);
    const figure = screen.getByRole('figure', { name: /Score distribution/ });
    expect(await within(figure).findByText('Score 90–100: 9 leads')).toBeInTheDocument();
    expect(within(figure).getByText('Score 10–20: 1 lead')).toBeInTheDocument();
    expect(within(figure).getAllByRole('listitem')).toHaveLength(10);
    expect(within(figure).getByText('12 leads in view')).toBeInTheDocument();
    expect(api.calls.find((c) => c.operationName === 'ScoreDistribution')?.variables).toEqual({
      filter: { minScore: 40, ownerId: null },
    });
  });
});
