import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { renderWithSWR, setUrl } from '../test/render';
import { ApiKeysTab } from './ApiKeysTab';
import { installFakeAdminApi, ME } from './fakeAdminApi';

beforeEach(() => {
  setUrl('');
  __setSessionForTests(ME, 'access-admin');
});

describe('Ingestion keys tab', () => {
  it('lists keys by name and prefix, never the secret', async () => {
    installFakeAdminApi();
    renderWithSWR(<ApiKeysTab />);
    const active = await screen.findByTestId('key-key_1');
    expect(active).toHaveTextContent('hubspot-sync');
    expect(active).toHaveTextContent('lsk_AbCdEf… · active');
    const revoked = screen.getByTestId('key-key_0');
    expect(revoked).toHaveTextContent(/revoked Nov 1, 2026/);
    expect(within(revoked).queryByRole('button')).toBeNull();
  });

  it('creates a key and shows it once', async () => {
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<ApiKeysTab />);
    await screen.findByText('hubspot-sync');
    expect(screen.getByRole('button', { name: 'Create key' })).toBeDisabled();
    await user.type(screen.getByLabelText('Key name'), 'salesforce{Enter}');
    const region = await screen.findByRole('region', { name: 'New key salesforce' });
    expect(api.callsOf('CreateApiKey')[0]!.variables).toEqual({ name: 'salesforce' });
    expect(within(region).getByRole('textbox')).toHaveValue('lsk_NeWkEy-the-whole-secret');
    expect(region).toHaveTextContent('not shown again');
    expect(await screen.findByTestId('key-key_new')).toHaveTextContent('lsk_NeWkEy…');
    await user.click(within(region).getByRole('button', { name: 'Done' }));
    expect(screen.queryByDisplayValue('lsk_NeWkEy-the-whole-secret')).toBeNull();
  });

  it('marks the name field when the name is taken, and clears it once the name is edited (UI QA: duplicate key name)', async () => {
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<ApiKeysTab />);
    await screen.findByText('hubspot-sync');
    const field = screen.getByLabelText('Key name');
    expect(field).not.toHaveAttribute('aria-invalid');
    await user.type(field, 'hubspot-sync');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(field).toHaveAttribute('aria-invalid', 'true'));
    expect(api.callsOf('CreateApiKey')).toHaveLength(1);
    expect(field).toHaveFocus();
    expect(field).toHaveAccessibleDescription(
      "A key named 'hubspot-sync' exists. An active key has this name: choose another, or revoke that one first.",
    );
    const message = document.getElementById(field.getAttribute('aria-describedby')!)!;
    expect(message).toBeVisible();
    // Under the field, not a second announcement of the same words.
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('region', { name: /New key/ })).toBeNull();

    await user.type(field, '-2');
    expect(field).not.toHaveAttribute('aria-invalid');
    expect(field).not.toHaveAttribute('aria-describedby');
    expect(screen.queryByText(/exists/)).toBeNull();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('region', { name: 'New key hubspot-sync-2' })).toBeInTheDocument();
  });

  it('shows a refusal about something other than the name as an alert, the field left valid', async () => {
    installFakeAdminApi({ errors: { CreateApiKey: { message: 'only an admin can do this', code: 'FORBIDDEN' } } });
    const user = userEvent.setup();
    renderWithSWR(<ApiKeysTab />);
    await screen.findByText('hubspot-sync');
    await user.type(screen.getByLabelText('Key name'), 'salesforce{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('You do not have permission');
    expect(screen.getByLabelText('Key name')).not.toHaveAttribute('aria-invalid');
  });

  it('revokes only after confirmation, from the keyboard', async () => {
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<ApiKeysTab />);
    const row = await screen.findByTestId('key-key_1');
    const revoke = within(row).getByRole('button', { name: 'Revoke hubspot-sync' });
    revoke.focus();
    await user.keyboard('{Enter}');
    const confirm = within(row).getByRole('group', { name: /Revoke hubspot-sync\?/ });
    expect(within(confirm).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(api.callsOf('RevokeApiKey')).toHaveLength(0);
    expect(within(row).getByRole('button', { name: 'Revoke hubspot-sync' })).toHaveFocus();

    await user.click(within(row).getByRole('button', { name: 'Revoke hubspot-sync' }));
    await user.click(within(row).getByRole('button', { name: 'Yes, revoke' }));
    await waitFor(() => expect(api.callsOf('RevokeApiKey')).toHaveLength(1));
    expect(api.callsOf('RevokeApiKey')[0]!.variables).toEqual({ keyId: 'key_1' });
    expect(await screen.findByText(/hubspot-sync was revoked/)).toBeInTheDocument();
    await waitFor(() => expect(row).toHaveTextContent(/revoked Nov 28, 2026/));
  });
});
