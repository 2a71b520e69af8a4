import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { __setSessionForTests } from '../auth/session';
import { renderWithSWR, setUrl } from '../test/render';
import { AUDIT_PAGE, AuditTab, utcInputEndToIso, utcInputToIso } from './AuditTab';
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
    expect(terms).toEqual(['User', 'Role', 'Previous role']);
    expect(values).toEqual(['Rex Rep (r1)', 'manager', 'rep']);
    expect(list).not.toHaveTextContent('{');
    await waitFor(() => expect(second).toHaveTextContent('By Ingestion key hubspot-sync'));
    expect(second).toHaveTextContent('partly rejected');
    expect(third).toHaveTextContent('By System');
    expect(screen.getByRole('status')).toHaveTextContent('3 events shown');
  });

  it('filters by actor, action and time range', async () => {
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<AuditTab />);
    await screen.findByRole('list', { name: 'Audit events' });
    expect(api.callsOf('AuditLog')[0]!.variables).toEqual({ limit: AUDIT_PAGE, before: null, beforeId: null, since: null, actorId: null, action: null });

    const actor = screen.getByRole('combobox', { name: 'Actor' });
    await waitFor(() => expect(within(actor).getByRole('option', { name: 'Rex Rep' })).toBeInTheDocument());
    await user.selectOptions(actor, 'r1');
    await waitFor(() => expect(api.callsOf('AuditLog').at(-1)!.variables.actorId).toBe('r1'));
    await user.selectOptions(actor, 'key_1');
    await waitFor(() => expect(api.callsOf('AuditLog').at(-1)!.variables.actorId).toBe('key_1'));

    await user.selectOptions(screen.getByRole('combobox', { name: 'Action' }), 'leads.written');
    await waitFor(() => expect(api.callsOf('AuditLog').at(-1)!.variables.action).toBe('leads.written'));

    await user.type(screen.getByLabelText('From (UTC)'), '2026-11-01T08:00');
    await waitFor(() => expect(api.callsOf('AuditLog').at(-1)!.variables.since).toBe(utcInputToIso('2026-11-01T08:00')));
    await user.type(screen.getByLabelText('To (UTC)'), '2026-10-01T08:00');
    expect(await screen.findByRole('alert')).toHaveTextContent('“From” must not be after “To”');
    const before = api.callsOf('AuditLog').length;
    await user.clear(screen.getByLabelText('To (UTC)'));
    await user.type(screen.getByLabelText('To (UTC)'), '2026-11-02T08:00');
    await waitFor(() => expect(api.callsOf('AuditLog').length).toBeGreaterThan(before));
    expect(api.callsOf('AuditLog').at(-1)!.variables).toEqual({
      limit: AUDIT_PAGE,
      before: '2026-11-02T08:01:00.000Z',
      beforeId: null,
      since: utcInputToIso('2026-11-01T08:00'),
      actorId: 'key_1',
      action: 'leads.written',
    });

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(screen.getByRole('combobox', { name: 'Action' })).toHaveValue('');
    expect(screen.getByRole('combobox', { name: 'Actor' })).toHaveValue('');
    expect(screen.getByLabelText('From (UTC)')).toHaveValue('');
  });

  it('reads From/To as UTC, like the entries, whatever the browser’s zone (UI QA L3)', () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      expect(utcInputToIso('2026-11-01T08:00')).toBe('2026-11-01T08:00:00.000Z');
    } finally {
      process.env.TZ = zone;
    }
    expect(utcInputToIso('')).toBeNull();
  });

  it('keeps the filters and the pages shown in the URL (UI QA: audit filters lost on reload)', async () => {
    setUrl('?tab=audit');
    installFakeAdminApi({ audit: (vars) => Array.from({ length: vars.before === auditEntry(AUDIT_PAGE - 1).at ? 3 : AUDIT_PAGE }, (_, i) => auditEntry(i)) });
    const user = userEvent.setup();
    renderWithSWR(<AuditTab />);
    await screen.findByRole('list', { name: 'Audit events' });
    const actor = screen.getByRole('combobox', { name: 'Actor' });
    await waitFor(() => expect(within(actor).getByRole('option', { name: 'Rex Rep' })).toBeInTheDocument());
    await user.selectOptions(actor, 'r1');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Action' }), 'leads.written');
    await user.type(screen.getByLabelText('From (UTC)'), '2026-11-01T08:00');
    await user.type(screen.getByLabelText('To (UTC)'), '2026-11-28T08:00');
    const search = () => Object.fromEntries(new URLSearchParams(window.location.search));
    expect(search()).toEqual({ tab: 'audit', actor: 'r1', action: 'leads.written', from: '2026-11-01T08:00Z', to: '2026-11-28T08:00Z' });

    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(`${AUDIT_PAGE} events shown`));
    await user.click(screen.getByRole('button', { name: 'Load older events' }));
    await waitFor(() => expect(search().page).toBe('2'));
    // A filter changed shows the first page again.
    await user.selectOptions(screen.getByRole('combobox', { name: 'Action' }), 'user.updated');
    expect(search().page).toBeUndefined();

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(window.location.search).toBe('?tab=audit');
    expect(screen.getByRole('combobox', { name: 'Actor' })).toHaveValue('');
    expect(screen.getByLabelText('To (UTC)')).toHaveValue('');
  });

  it('opens a link with its filters and pages, its times read as UTC', async () => {
    setUrl('?tab=audit&actor=r1&action=leads.written&from=2026-11-01T08%3A00Z&to=2026-11-28T08%3A00Z&page=2');
    const api = installFakeAdminApi({ audit: (vars) => Array.from({ length: vars.before === '2026-11-28T08:01:00.000Z' ? AUDIT_PAGE : 3 }, (_, i) => auditEntry(i)) });
    renderWithSWR(<AuditTab />);
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(`${AUDIT_PAGE + 3} events shown`));
    expect(api.callsOf('AuditLog')[0]!.variables).toEqual({
      limit: AUDIT_PAGE,
      before: '2026-11-28T08:01:00.000Z',
      beforeId: null,
      since: '2026-11-01T08:00:00.000Z',
      actorId: 'r1',
      action: 'leads.written',
    });
    expect(api.callsOf('AuditLog')[1]!.variables.before).toBe(auditEntry(AUDIT_PAGE - 1).at);
    expect(api.callsOf('AuditLog')[1]!.variables.beforeId).toBe(auditEntry(AUDIT_PAGE - 1).id);
    expect(screen.getByRole('combobox', { name: 'Action' })).toHaveValue('leads.written');
    await waitFor(() => expect(screen.getByRole('combobox', { name: 'Actor' })).toHaveDisplayValue('Rex Rep'));
    expect(screen.getByLabelText('From (UTC)')).toHaveValue('2026-11-01T08:00');
    expect(screen.getByLabelText('To (UTC)')).toHaveValue('2026-11-28T08:00');
  });

  it('keeps an actor the link names that is not listed (shown as its id)', async () => {
    setUrl('?tab=audit&actor=gone-user');
    const api = installFakeAdminApi();
    renderWithSWR(<AuditTab />);
    await screen.findByRole('list', { name: 'Audit events' });
    await waitFor(() => expect(within(screen.getByRole('combobox', { name: 'Actor' })).getByRole('option', { name: 'Rex Rep' })).toBeInTheDocument());
    expect(screen.getByRole('combobox', { name: 'Actor' })).toHaveDisplayValue('gone-user');
    expect(api.callsOf('AuditLog')[0]!.variables.actorId).toBe('gone-user');
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
    expect(api.callsOf('AuditLog').at(-1)!.variables.beforeId).toBe(auditEntry(AUDIT_PAGE - 1).id);
    expect(screen.queryByRole('button', { name: 'Load older events' })).toBeNull();
  });

  it('loads older events of the same time as the last one shown, each once, in order', async () => {
    // More events of one moment than a page holds; the fake pages like the API (at, then id).
    const at = '2026-11-27T12:00:00.123000+00:00';
    const log = Array.from({ length: AUDIT_PAGE + 3 }, (_, i) => auditEntry(i, { at, id: `event-${999 - i}`, action: `test.e${i}` }));
    const api = installFakeAdminApi({
      audit: (vars) => {
        const after = (e: (typeof log)[number]) =>
          !vars.before || e.at < String(vars.before) || (e.at === vars.before && !!vars.beforeId && e.id < String(vars.beforeId));
        return log.filter(after).slice(0, AUDIT_PAGE);
      },
    });
    const user = userEvent.setup();
    renderWithSWR(<AuditTab />);
    await screen.findByRole('list', { name: 'Audit events' });
    await user.click(screen.getByRole('button', { name: 'Load older events' }));
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent(`${AUDIT_PAGE + 3} events shown`));
    expect(api.callsOf('AuditLog').at(-1)!.variables).toMatchObject({ before: at, beforeId: log[AUDIT_PAGE - 1]!.id });
    const shown = within(screen.getByRole('list', { name: 'Audit events' })).getAllByRole('listitem');
    expect(shown.map((li) => li.querySelector('[data-action]')!.getAttribute('data-action'))).toEqual(log.map((e) => e.action));
    expect(screen.queryByRole('button', { name: 'Load older events' })).toBeNull();
  });

  it('shows the events of the “To” minute: it asks for those before the next minute', async () => {
    setUrl('?tab=audit');
    const api = installFakeAdminApi();
    const user = userEvent.setup();
    renderWithSWR(<AuditTab />);
    await screen.findByRole('list', { name: 'Audit events' });
    await user.type(screen.getByLabelText('To (UTC)'), '2026-11-02T14:05');
    await waitFor(() => expect(api.callsOf('AuditLog').at(-1)!.variables.before).toBe('2026-11-02T14:06:00.000Z'));
    // The link and the field keep what was typed.
    expect(new URLSearchParams(window.location.search).get('to')).toBe('2026-11-02T14:05Z');
    expect(screen.getByLabelText('To (UTC)')).toHaveValue('2026-11-02T14:05');

    // From and To of one minute: that minute's events, no complaint.
    await user.type(screen.getByLabelText('From (UTC)'), '2026-11-02T14:05');
    await waitFor(() => expect(api.callsOf('AuditLog').at(-1)!.variables.since).toBe('2026-11-02T14:05:00.000Z'));
    expect(api.callsOf('AuditLog').at(-1)!.variables.before).toBe('2026-11-02T14:06:00.000Z');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('reads “To” as up to and including what it shows (minute, second or millisecond)', () => {
    expect(utcInputEndToIso('2026-11-02T14:05')).toBe('2026-11-02T14:06:00.000Z');
    expect(utcInputEndToIso('2026-12-31T23:59')).toBe('2027-01-01T00:00:00.000Z');
    expect(utcInputEndToIso('2026-11-02T14:05:30')).toBe('2026-11-02T14:05:31.000Z');
    expect(utcInputEndToIso('2026-11-02T14:05:30.250')).toBe('2026-11-02T14:05:30.251Z');
    expect(utcInputEndToIso('')).toBeNull();
  });

  it('says when nothing matches', async () => {
    installFakeAdminApi({ audit: () => [] });
    renderWithSWR(<AuditTab />);
    expect(await screen.findByText('No events match these filters.')).toBeInTheDocument();
  });

  it('names actions and outcomes in words, in the entries and in the Action filter', async () => {
    const api = installFakeAdminApi({
      audit: () => [
        auditEntry(0, { action: 'apikey.revoked', fields: [{ name: 'Key id', value: 'key_0' }, { name: 'Name', value: 'old-sync' }], details: '{"keyId":"key_0","name":"old-sync"}' }),
        auditEntry(1, { action: 'login', outcome: 'failure', fields: [], details: '{}' }),
        auditEntry(2, { action: 'something.new', fields: [], details: '{}' }),
      ],
    });
    const user = userEvent.setup();
    renderWithSWR(<AuditTab />);
    const list = await screen.findByRole('list', { name: 'Audit events' });
    const [revoked, login, unknown] = within(list).getAllByRole('listitem');
    expect(revoked).toHaveTextContent(/^API key revoked/);
    expect(list).not.toHaveTextContent('apikey.revoked');
    await waitFor(() => expect(revoked).toHaveTextContent('Ingestion keyold-sync (key_0)'));
    expect(login).toHaveTextContent(/^Sign-in\s*failed/);
    // A code this screen does not know yet is shown as it is.
    expect(unknown).toHaveTextContent(/^something\.new/);

    const action = screen.getByRole('combobox', { name: 'Action' });
    expect(within(action).getAllByRole('option').map((o) => o.textContent)).toEqual(['Any action', 'Leads written', 'User updated']);
    await user.selectOptions(action, 'Leads written');
    await waitFor(() => expect(api.callsOf('AuditLog').at(-1)!.variables.action).toBe('leads.written'));
  });

  it('shows times to the second, so events of one minute can be ordered', async () => {
    installFakeAdminApi({
      audit: () => [auditEntry(0, { at: '2026-11-27T12:00:35Z' }), auditEntry(1, { at: '2026-11-27T12:00:05Z' })],
    });
    renderWithSWR(<AuditTab />);
    const list = await screen.findByRole('list', { name: 'Audit events' });
    const times = within(list).getAllByRole('listitem').map((li) => li.querySelector('time')!.textContent);
    expect(times).toEqual(['Nov 27, 2026, 12:00:35 PM UTC', 'Nov 27, 2026, 12:00:05 PM UTC']);
  });

  it('shows a model change parameter by parameter, with friendly names, plain numbers and its note', async () => {
    const api = installFakeAdminApi({
      audit: () => [
        auditEntry(0, {
          action: 'scoring.updated',
          // As the API sends it: floats with ".0", parameters by their internal names.
          details: '{"version":3,"diff":[{"parameter":"halfLifeDays","before":7.0,"after":10.0},{"parameter":"thresholds.hot","before":70.0,"after":75.5}]}',
          fields: [
            { name: 'Version', value: '3' },
            { name: 'Diff', value: 'halfLifeDays: 7.0 → 10.0; thresholds.hot: 70.0 → 75.5' },
          ],
        }),
        auditEntry(1, { action: 'scoring.rolledBack', details: '{"version":4,"note":"Back to v2","diff":[]}', fields: [] }),
      ],
      modelNotes: [{ version: 3, note: 'Deals go cold faster since the price change' }],
    });
    renderWithSWR(<AuditTab />);
    const list = await screen.findByRole('list', { name: 'Audit events' });
    const [changed, rolledBack] = within(list).getAllByRole('listitem');
    expect(changed).toHaveTextContent(/^Scoring model changed/);
    await waitFor(() => expect(within(changed!).getAllByRole('term').map((t) => t.textContent)).toEqual(['Version', 'Why', 'Half-life (days)', 'Hot threshold']));
    expect(within(changed!).getAllByRole('definition').map((d) => d.textContent)).toEqual([
      '3',
      'Deals go cold faster since the price change',
      '7 → 10',
      '70 → 75.5',
    ]);
    expect(list).not.toHaveTextContent('halfLifeDays');
    expect(list).not.toHaveTextContent('.0');
    // The note the event carries itself wins; no lookup is needed for it.
    expect(rolledBack).toHaveTextContent(/^Scoring model rolled back/);
    expect(rolledBack).toHaveTextContent('WhyBack to v2');
    expect(api.callsOf('AuditModelNotes')).toHaveLength(1);
  });

  it('does not look up notes when no model change is shown', async () => {
    const api = installFakeAdminApi();
    renderWithSWR(<AuditTab />);
    await screen.findByRole('list', { name: 'Audit events' });
    expect(api.callsOf('AuditModelNotes')).toHaveLength(0);
  });
});
