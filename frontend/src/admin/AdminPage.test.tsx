import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { renderWithSWR, setUrl } from '../test/render';
import AdminPage from './AdminPage';
import { installFakeAdminApi, ME } from './fakeAdminApi';

beforeEach(() => {
  setUrl('');
  __setSessionForTests(ME, 'access-admin');
});

/** axe violations of impact serious or critical (contrast is not computable in jsdom). */
async function seriousViolations(root: HTMLElement) {
  const result = await axe.run(root, { rules: { 'color-contrast': { enabled: false } } });
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

describe('AdminPage tabs', () => {
  it('opens on Users and moves between tabs with the arrow keys', async () => {
    installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<AdminPage />);
    const users = screen.getByRole('tab', { name: 'Users' });
    expect(users).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByText('Rex Rep')).toBeInTheDocument();

    users.focus();
    await user.keyboard('{ArrowRight}');
    const keys = screen.getByRole('tab', { name: 'Ingestion keys' });
    expect(keys).toHaveFocus();
    expect(keys).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tabpanel', { name: 'Ingestion keys' })).toBeVisible();
    await user.keyboard('{End}');
    expect(screen.getByRole('tab', { name: 'Audit log' })).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(users).toHaveFocus();
  });

  it.each(['/admin?tab=keys', '/admin#keys'])('opens the tab a link names (%s)', async (url) => {
    window.history.replaceState(null, '', url);
    installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<AdminPage />);
    expect(screen.getByRole('tab', { name: 'Ingestion keys' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tabpanel', { name: 'Ingestion keys' })).toBeVisible();
    await user.click(screen.getByRole('tab', { name: 'Users' }));
    expect(screen.getByRole('tab', { name: 'Users' })).toHaveAttribute('aria-selected', 'true');
    expect(`${window.location.pathname}${window.location.search}${window.location.hash}`).toBe('/admin');
  });

  it('keeps the tab and the audit filters in the URL: a reload shows them again (UI QA: tab lost on reload)', async () => {
    setUrl('admin');
    installFakeAdminApi();
    const user = userEvent.setup();
    const { unmount } = renderWithSWR(<AdminPage />);
    await user.click(screen.getByRole('tab', { name: 'Ingestion keys' }));
    expect(window.location.search).toBe('?tab=keys');
    await user.click(screen.getByRole('tab', { name: 'Audit log' }));
    expect(window.location.search).toBe('?tab=audit');
    await screen.findByRole('list', { name: 'Audit events' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Action' }), 'leads.written');
    expect(window.location.pathname).toBe('/admin');
    expect(window.location.search).toBe('?tab=audit&action=leads.written');

    unmount(); // a reload
    renderWithSWR(<AdminPage />);
    expect(screen.getByRole('tab', { name: 'Audit log' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('combobox', { name: 'Action' })).toHaveValue('leads.written');

    // Another tab starts without the audit log's filters; Back returns to them.
    await user.click(screen.getByRole('tab', { name: 'Users' }));
    expect(window.location.search).toBe('');
    expect(screen.getByRole('tab', { name: 'Users' })).toHaveAttribute('aria-selected', 'true');
    window.history.back();
    await waitFor(() => expect(screen.getByRole('tab', { name: 'Audit log' })).toHaveAttribute('aria-selected', 'true'));
    expect(screen.getByRole('combobox', { name: 'Action' })).toHaveValue('leads.written');
  });

  it('has no serious or critical axe violations on any tab', async () => {
    installFakeAdminApi();
    const user = userEvent.setup();
    const { container } = renderWithSWR(<AdminPage />);
    await screen.findByText('Rex Rep');
    expect(await seriousViolations(container)).toEqual([]);
    await user.click(screen.getByRole('tab', { name: 'Ingestion keys' }));
    await screen.findByText('hubspot-sync');
    expect(await seriousViolations(container)).toEqual([]);
    await user.click(screen.getByRole('tab', { name: 'Audit log' }));
    await screen.findByRole('list', { name: 'Audit events' });
    expect(await seriousViolations(container)).toEqual([]);
  });
});

describe('Users tab', () => {
  it('disables the controls on your own row only', async () => {
    installFakeAdminApi();
    renderWithSWR(<AdminPage />);
    const mine = await screen.findByTestId('user-a1');
    expect(within(mine).getByRole('combobox', { name: 'Role of Ada Admin' })).toBeDisabled();
    expect(within(mine).getByRole('button', { name: 'Deactivate Ada Admin' })).toBeDisabled();
    expect(within(mine).getByText(/cannot change your own role/)).toBeInTheDocument();
    const rep = screen.getByTestId('user-r1');
    expect(within(rep).getByRole('combobox', { name: 'Role of Rex Rep' })).toBeEnabled();
    expect(within(rep).getByRole('button', { name: 'Deactivate Rex Rep' })).toBeEnabled();
  });

  it('changes a role, deactivates and reactivates', async () => {
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<AdminPage />);
    const rep = await screen.findByTestId('user-r1');
    await user.selectOptions(within(rep).getByRole('combobox', { name: 'Role of Rex Rep' }), 'MANAGER');
    await user.click(within(rep).getByRole('button', { name: 'Yes, make Manager' }));
    await waitFor(() => expect(api.callsOf('UpdateUser')).toHaveLength(1));
    expect(api.callsOf('UpdateUser')[0]!.variables).toEqual({ userId: 'r1', role: 'MANAGER' });
    expect(await screen.findByText('Rex Rep is now Manager.')).toBeInTheDocument();

    await user.click(within(rep).getByRole('button', { name: 'Deactivate Rex Rep' }));
    await user.click(within(rep).getByRole('button', { name: 'Yes, deactivate' }));
    await waitFor(() => expect(api.callsOf('UpdateUser')).toHaveLength(2));
    expect(api.callsOf('UpdateUser')[1]!.variables).toEqual({ userId: 'r1', isActive: false });
    expect(await within(rep).findByRole('button', { name: 'Reactivate Rex Rep' })).toHaveFocus();
    expect(within(rep).queryByRole('group')).toBeNull();

    const inactive = screen.getByTestId('user-r2');
    await user.click(within(inactive).getByRole('button', { name: 'Reactivate Rita Rep' }));
    await waitFor(() => expect(api.callsOf('UpdateUser')[2]!.variables).toEqual({ userId: 'r2', isActive: true }));
  });

  it('asks before changing a role; Cancel puts the role back and sends nothing (UI QA M2)', async () => {
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<AdminPage />);
    const rep = await screen.findByTestId('user-r1');
    const select = within(rep).getByRole('combobox', { name: 'Role of Rex Rep' });
    await user.selectOptions(select, 'ADMIN');
    const ask = within(rep).getByRole('group', { name: 'Make Rex Rep an Admin?' });
    expect(within(ask).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(api.callsOf('UpdateUser')).toHaveLength(0);
    await user.click(within(ask).getByRole('button', { name: 'Cancel' }));
    expect(select).toHaveValue('REP');
    expect(select).toHaveFocus();
    expect(within(rep).queryByRole('group')).toBeNull();
    expect(api.callsOf('UpdateUser')).toHaveLength(0);
  });

  it('asks before deactivating; Cancel leaves the user active and sends nothing (UI QA: deactivate at once)', async () => {
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<AdminPage />);
    const rep = await screen.findByTestId('user-r1');
    const deactivate = within(rep).getByRole('button', { name: 'Deactivate Rex Rep' });
    await user.click(deactivate);
    const ask = within(rep).getByRole('group', { name: /^Deactivate Rex Rep\? They are signed out at once/ });
    expect(within(ask).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    expect(api.callsOf('UpdateUser')).toHaveLength(0);

    await user.keyboard('{Enter}');
    expect(within(rep).queryByRole('group')).toBeNull();
    expect(deactivate).toHaveFocus();
    expect(rep).toHaveTextContent('Active ·');
    expect(api.callsOf('UpdateUser')).toHaveLength(0);

    await user.click(deactivate);
    await user.click(within(rep).getByRole('button', { name: 'Yes, deactivate' }));
    await waitFor(() => expect(api.callsOf('UpdateUser')).toHaveLength(1));
    expect(api.callsOf('UpdateUser')[0]!.variables).toEqual({ userId: 'r1', isActive: false });
    expect(await screen.findByText('Rex Rep was deactivated.')).toBeInTheDocument();
    await waitFor(() => expect(rep).toHaveTextContent('Deactivated ·'));
  });

  it('reactivates in one click (it restores access)', async () => {
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<AdminPage />);
    const inactive = await screen.findByTestId('user-r2');
    await user.click(within(inactive).getByRole('button', { name: 'Reactivate Rita Rep' }));
    await waitFor(() => expect(api.callsOf('UpdateUser')).toHaveLength(1));
    expect(within(inactive).queryByRole('group')).toBeNull();
    expect(await within(inactive).findByRole('button', { name: 'Deactivate Rita Rep' })).toHaveFocus();
  });

  it('shows the server’s reason when a change is refused', async () => {
    installFakeAdminApi({ errors: { UpdateUser: { message: 'only an admin can do this', code: 'FORBIDDEN' } } });
    const user = userEvent.setup();
    renderWithSWR(<AdminPage />);
    const rep = await screen.findByTestId('user-r1');
    await user.click(within(rep).getByRole('button', { name: 'Deactivate Rex Rep' }));
    await user.click(within(rep).getByRole('button', { name: 'Yes, deactivate' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have permission');
  });

  it('invites by email and shows the link once, with a copy button', async () => {
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    // After setup(): user-event installs its own clipboard stub.
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    renderWithSWR(<AdminPage />);
    await screen.findByText('Rex Rep');
    await user.type(screen.getByLabelText('Email'), 'New@Example.com');
    await user.type(screen.getByLabelText('Name'), 'Nora New');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Role' }), 'MANAGER');
    await user.click(screen.getByRole('button', { name: 'Create invitation link' }));

    const region = await screen.findByRole('region', { name: 'Invitation link for new@example.com' });
    expect(api.callsOf('InviteUser')[0]!.variables).toEqual({ email: 'New@Example.com', name: 'Nora New', role: 'MANAGER' });
    const link = within(region).getByRole('textbox');
    expect(link).toHaveValue(`${window.location.origin}/accept-invite#token=invite-secret-123`);
    expect(link).toHaveFocus();
    expect(region).toHaveTextContent('No email is sent');
    await user.click(within(region).getByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith(`${window.location.origin}/accept-invite#token=invite-secret-123`);
    expect(await within(region).findByText('Copied to the clipboard.')).toBeInTheDocument();

    await user.click(within(region).getByRole('button', { name: 'Done' }));
    expect(screen.queryByText(/invite-secret-123/)).toBeNull();
    expect(screen.queryByDisplayValue(/invite-secret-123/)).toBeNull();
    expect(screen.getByRole('button', { name: 'Create invitation link' })).toBeInTheDocument();
  });

  it('shows a refused invitation’s message', async () => {
    installFakeAdminApi({ errors: { InviteUser: { message: 'email already registered', code: 'BAD_USER_INPUT' } } });
    const user = userEvent.setup();
    renderWithSWR(<AdminPage />);
    await screen.findByText('Rex Rep');
    await user.type(screen.getByLabelText('Email'), 'rep1@acme.example');
    await user.type(screen.getByLabelText('Name'), 'Rex');
    await user.click(screen.getByRole('button', { name: 'Create invitation link' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Email already registered.');
  });
});
