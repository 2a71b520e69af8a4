import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { renderWithSWR, setUrl } from '../test/render';
import { AUDIT_PAGE, AuditTab, localToIso } from './AuditTab';
import { auditEntry, installFakeAdminApi, ME } from './fakeAdminApi';

beforeEach(() => {
  setUrl('');
  __setSessionForTests(ME, 'access-admin');
});

describe('Audit log tab', () => {
  it('renders details as readable fields, not JSON, with the actor', async () => {
    installFakeAdminApi({
      audit: () => [
        auditEntry(0),
        auditEntry(1, {
          action: 'leads.written',
          outcome: 'partial',
          actorId: 'key_1',
          actorName: null,
          actorKind: 'key',
          fields: [
            { name: 'Source', value: 'graphql' },
            { name: 'Accepted', value: '2' },
          ],
        }),
        auditEntry(2, { action: 'apikey.created', actorId: null, actorName: null, actorKind: 'system', fields: [] }),
      ],
    });
    renderWithSWR(<AuditTab />);
    const list = await screen.findByRole('list', { name: 'Audit events' });
    const [first, second, third] = within(list).getAllByRole('listitem');
    expect(first).toHaveTextContent('By Ada Admin');
    const terms = within(first!).getAllByRole('term').map((t) => t.textContent);
    const values = within(first!).getAllByRole('definition').map((d) => d.textContent);
    expect(terms).toEqual(['User id', 'Role', 'Previous role']);
    expect(values).toEqual(['Rex Rep (r1)', 'manager', 'rep']);
    expect(list).not.toHaveTextContent('{');
    await waitFor(() => expect(second).toHaveTextContent('By Ingestion key hubspot-sync'));
    expect(second).toHaveTextContent('partial');
    expect(third).toHaveTextContent('By System');
    expect(screen.getByRole('status')).toHaveTextContent('3 events shown');
  });

  it('filters by actor, action and time range', async () => {
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<AuditTab />);
    await screen.findByRole('list', { name: 'Audit events' });
    expect(api.callsOf('AuditLog')[0]!.variables).toEqual({ limit: AUDIT_PAGE, before: null, since: null, actorId: null, action: null });

    const actor = screen.getByRole('combobox', { name: 'Actor' });
    await waitFor(() => expect(within(actor).getByRole('option', { name: 'Rex Rep' })).toBeInTheDocument());
    await user.selectOptions(actor, 'r1');
    await waitFor(() => expect(api.callsOf('AuditLog').at(-1)!.variables.actorId).toBe('r1'));
    await user.selectOptions(actor, 'key_1');
    await waitFor(() => expect(api.callsOf('AuditLog').at(-1)!.variables.actorId).toBe('key_1'));

    await user.selectOptions(screen.getByRole('combobox', { name: 'Action' }), 'leads.written');
    await waitFor(() => expect(api.callsOf('AuditLog').at(-1)!.variables.action).toBe('leads.written'));

    await user.type(screen.getByLabelText('From'), '2026-11-01T08:00');
    await waitFor(() => expect(api.callsOf('AuditLog').at(-1)!.variables.since).toBe(localToIso('2026-11-01T08:00')));
    await user.type(screen.getByLabelText('To'), '2026-10-01T08:00');
    expect(await screen.findByRole('alert')).toHaveTextContent('“From” must be before “To”');
    const before = api.callsOf('AuditLog').length;
    await user.clear(screen.getByLabelText('To'));
    await user.type(screen.getByLabelText('To'), '2026-11-02T08:00');
    await waitFor(() => expect(api.callsOf('AuditLog').length).toBeGreaterThan(before));
    expect(api.callsOf('AuditLog').at(-1)!.variables).toEqual({
      limit: AUDIT_PAGE,
      before: localToIso('2026-11-02T08:00'),
      since: localToIso('2026-11-01T08:00'),
      actorId: 'key_1',
      action: 'leads.written',
    });

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(screen.getByRole('combobox', { name: 'Action' })).toHaveValue('');
    expect(screen.getByRole('combobox', { name: 'Actor' })).toHaveValue('');
    expect(screen.getByLabelText('From')).toHaveValue('');
  });

  it('loads older events before the last one shown', async () => {
    const api = installFakeAdminApi({
      audit: (vars) => {
        const offset = vars.before ? AUDIT_PAGE : 0;
        const count = vars.before ? 3 : AUDIT_PAGE;
        return Array.from({ length: count }, (_, i) => auditEntry(offset + i));
      },
    });
    const user = userEvent.setup();
    renderWithSWR(<AuditTab />);
    await screen.findByRole('list', { name: 'Audit events' });
    await user.click(screen.getByRole('button', { name: 'Load older events' }));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(`${AUDIT_PAGE + 3} events shown`));
    expect(api.callsOf('AuditLog').at(-1)!.variables.before).toBe(auditEntry(AUDIT_PAGE - 1).at);
    expect(screen.queryByRole('button', { name: 'Load older events' })).toBeNull();
  });

  it('says when nothing matches', async () => {
    installFakeAdminApi({ audit: () => [] });
    renderWithSWR(<AuditTab />);
    expect(await screen.findByText('No events match these filters.')).toBeInTheDocument();
  });
});
