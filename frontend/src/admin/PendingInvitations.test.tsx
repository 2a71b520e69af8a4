import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { renderWithSWR, setUrl } from '../test/render';
import { installFakeAdminApi, ME } from './fakeAdminApi';
import { UsersTab } from './UsersTab';

beforeEach(() => {
  setUrl('');
  __setSessionForTests(ME, 'access-admin');
});

async function invite(user: ReturnType<typeof userEvent.setup>, email: string, name: string) {
  await user.type(screen.getByLabelText('Email'), email);
  await user.type(screen.getByLabelText('Name'), name);
  await user.click(screen.getByRole('button', { name: 'Create invitation link' }));
  const region = await screen.findByRole('region', { name: `Invitation link for ${email.toLowerCase()}` });
  await user.click(within(region).getByRole('button', { name: 'Done' }));
}

describe('Pending invitations', () => {
  it('lists them newest first with email, name, role and expiry', async () => {
    installFakeAdminApi();
    renderWithSWR(<UsersTab />);
    const list = await screen.findByRole('list', { name: 'Pending invitations' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((r) => r.dataset.testid)).toEqual(['invitation-inv_2', 'invitation-inv_1']);
    expect(rows[0]).toHaveTextContent('pat@acme.example');
    expect(rows[0]).toHaveTextContent('Pat Pending · Manager');
    expect(rows[0]).toHaveTextContent('expires Dec 4, 2026, 10:00 AM UTC');
    expect(within(rows[1]!).getByRole('button', { name: 'Withdraw invitation for quinn@acme.example' })).toHaveTextContent('Withdraw');
    expect(screen.queryByText('No pending invitations')).toBeNull();
  });

  it('says when there are none', async () => {
    installFakeAdminApi({ invitations: [] });
    renderWithSWR(<UsersTab />);
    expect(await screen.findByText('No pending invitations')).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Pending invitations' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Withdraw/ })).toBeNull();
  });

  it('withdraws only after confirmation, then refreshes the list', async () => {
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<UsersTab />);
    const row = await screen.findByTestId('invitation-inv_2');
    const withdraw = within(row).getByRole('button', { name: 'Withdraw invitation for pat@acme.example' });
    withdraw.focus();
    await user.keyboard('{Enter}');
    const confirm = within(row).getByRole('group', { name: /Withdraw the invitation for pat@acme\.example\?/ });
    expect(confirm).toHaveTextContent('Its link stops working at once.');
    expect(within(confirm).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(api.callsOf('RevokeInvitation')).toHaveLength(0);
    expect(within(row).getByRole('button', { name: 'Withdraw invitation for pat@acme.example' })).toHaveFocus();

    await user.click(within(row).getByRole('button', { name: 'Withdraw invitation for pat@acme.example' }));
    await user.click(within(row).getByRole('button', { name: 'Yes, withdraw' }));
    await waitFor(() => expect(api.callsOf('RevokeInvitation')).toHaveLength(1));
    expect(api.callsOf('RevokeInvitation')[0]!.variables).toEqual({ invitationId: 'inv_2' });
    expect(await screen.findByText(/invitation for pat@acme\.example was withdrawn/)).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId('invitation-inv_2')).toBeNull());
    expect(api.callsOf('PendingInvitations')).toHaveLength(2);
    expect(screen.getByTestId('invitation-inv_1')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Pending invitations' })).toHaveFocus();
  });

  it('shows why a withdrawal failed and refreshes a stale list', async () => {
    const api = installFakeAdminApi({
      errors: { RevokeInvitation: { message: 'invitation not found', code: 'NOT_FOUND' } },
    });
    const user = userEvent.setup();
    renderWithSWR(<UsersTab />);
    const row = await screen.findByTestId('invitation-inv_1');
    await user.click(within(row).getByRole('button', { name: 'Withdraw invitation for quinn@acme.example' }));
    await user.click(within(row).getByRole('button', { name: 'Yes, withdraw' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Invitation not found.');
    await waitFor(() => expect(api.callsOf('PendingInvitations')).toHaveLength(2));
    expect(await within(row).findByRole('button', { name: 'Withdraw invitation for quinn@acme.example' })).toHaveFocus();
  });

  it('shows a list that cannot be loaded as an error, and the users still', async () => {
    installFakeAdminApi({ errors: { PendingInvitations: { message: 'only an admin can do this', code: 'FORBIDDEN' } } });
    renderWithSWR(<UsersTab />);
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have permission');
    expect(await screen.findByText('Rex Rep')).toBeInTheDocument();
    expect(screen.queryByText('Loading invitations…')).toBeNull();
  });

  it('refreshes after an invitation, which replaces that email’s pending one', async () => {
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<UsersTab />);
    await screen.findByTestId('invitation-inv_2');

    await invite(user, 'New@Example.com', 'Nora New');
    const list = screen.getByRole('list', { name: 'Pending invitations' });
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(3));
    expect(within(list).getAllByRole('listitem')[0]).toHaveTextContent('new@example.com');
    expect(api.callsOf('PendingInvitations')).toHaveLength(2);

    await invite(user, 'pat@acme.example', 'Patricia Pending');
    await waitFor(() => expect(api.callsOf('PendingInvitations')).toHaveLength(3));
    await waitFor(() => expect(screen.queryByTestId('invitation-inv_2')).toBeNull());
    const rows = within(list).getAllByRole('listitem');
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent('pat@acme.example');
    expect(rows[0]).toHaveTextContent('Patricia Pending · Rep');
    expect(within(list).getAllByText('pat@acme.example')).toHaveLength(1);
  });
});
