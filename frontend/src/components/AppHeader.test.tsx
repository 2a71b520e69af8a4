import { screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_USER, AUTH_PAYLOAD, REP_USER } from '../test/fakeApi';
import { renderWithSWR } from '../test/render';
import { AppHeader } from './AppHeader';

const signOut = () => Promise.resolve();

const EXPLORER_META = '<meta name="leadscore-graphiql" content="true">';

describe('the GraphQL explorer link in the header', () => {
  beforeEach(() => document.head.insertAdjacentHTML('beforeend', EXPLORER_META));
  afterEach(() => document.head.querySelectorAll('meta[name="leadscore-graphiql"]').forEach((m) => m.remove()));

  it.each([
    ['a manager', AUTH_PAYLOAD.user],
    ['an admin', ADMIN_USER],
  ])('%s gets a link to /graphql that opens in a new tab', (_, user) => {
    renderWithSWR(<AppHeader user={user} onSignOut={signOut} />);
    const link = within(screen.getByRole('banner')).getByRole('link', { name: 'GraphQL explorer (opens in a new tab)' });
    expect(link).toHaveAttribute('href', '/graphql');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener');
  });

  it('stays short on small screens: "GraphQL" alone, the role and tenant from sm up (UI QA L12)', () => {
    renderWithSWR(<AppHeader user={ADMIN_USER} onSignOut={signOut} />);
    const link = screen.getByRole('link', { name: /GraphQL/ });
    expect(within(link).getByText('explorer')).toHaveClass('sr-only', 'sm:not-sr-only');
    const user = screen.getByTestId('current-user');
    expect(user).toHaveTextContent(/admin/i);
    expect(within(user).getByText('Admin')).toHaveClass('hidden', 'sm:block');
  });

  it('is not shown when the server does not serve the explorer (GRAPHIQL_ENABLED off)', () => {
    document.head.querySelectorAll('meta[name="leadscore-graphiql"]').forEach((m) => m.remove());
    renderWithSWR(<AppHeader user={ADMIN_USER} onSignOut={signOut} />);
    expect(screen.queryByRole('link', { name: /GraphQL/ })).toBeNull();
  });

  it('a rep does not see it', () => {
    renderWithSWR(<AppHeader user={REP_USER} onSignOut={signOut} />);
    expect(screen.queryByRole('link', { name: /GraphQL/ })).toBeNull();
    expect(screen.getByRole('link', { name: 'Model' })).toBeInTheDocument();
  });
});
