import type { AdminUsersQuery, ApiKeysQuery, AuditLogQuery, PendingInvitationsQuery } from '../gql/graphql';
import { json } from '../test/fakeApi';
import { stubGraphqlFetch, unknownOperation, type FakeError } from '../test/fakeGraphql';

type Entry = AuditLogQuery['auditLog'][number];
type Invitation = PendingInvitationsQuery['invitations'][number];

export const ME = { userId: 'a1', tenantId: 't1', email: 'admin@acme.example', name: 'Ada Admin', role: 'admin' };

export function adminUsers(): AdminUsersQuery['users'] {
  return [
    { userId: 'a1', email: 'admin@acme.example', name: 'Ada Admin', role: 'ADMIN', isActive: true, external: false, lastLoginAt: '2026-11-27T10:00:00Z' },
    { userId: 'r1', email: 'rep1@acme.example', name: 'Rex Rep', role: 'REP', isActive: true, external: false, lastLoginAt: null },
    { userId: 'r2', email: 'rep2@acme.example', name: 'Rita Rep', role: 'REP', isActive: false, external: false, lastLoginAt: null },
  ];
}

export function apiKeys(): ApiKeysQuery['apiKeys'] {
  return [
    { keyId: 'key_1', name: 'hubspot-sync', prefix: 'lsk_AbCdEf', createdAt: '2026-11-20T10:00:00Z', lastUsedAt: '2026-11-27T09:00:00Z', revokedAt: null, isActive: true },
    { keyId: 'key_0', name: 'old-sync', prefix: 'lsk_ZyXwVu', createdAt: '2026-10-01T10:00:00Z', lastUsedAt: null, revokedAt: '2026-11-01T10:00:00Z', isActive: false },
  ];
}

export function pendingInvitations(): Invitation[] {
  return [
    { invitationId: 'inv_2', email: 'pat@acme.example', name: 'Pat Pending', role: 'MANAGER', createdAt: '2026-11-27T10:00:00Z', expiresAt: '2026-12-04T10:00:00Z' },
    { invitationId: 'inv_1', email: 'quinn@acme.example', name: 'Quinn Queued', role: 'REP', createdAt: '2026-11-25T09:00:00Z', expiresAt: '2026-12-02T09:00:00Z' },
  ];
}

export function auditEntry(i: number, over: Partial<Entry> = {}): Entry {
  return {
    id: `event-${i}`,
    action: 'user.updated',
    outcome: 'success',
    actorId: 'a1',
    actorName: 'Ada Admin',
    actorKind: 'user',
    at: new Date(Date.UTC(2026, 10, 27, 12, 0, 0) - i * 60_000).toISOString(),
    requestId: `req-${i}`,
    details: JSON.stringify({ userId: 'r1', role: 'manager', previousRole: 'rep' }),
    fields: [
      { name: 'User id', value: 'Rex Rep (r1)' },
      { name: 'Role', value: 'manager' },
      { name: 'Previous role', value: 'rep' },
    ],
    ...over,
  };
}

export interface FakeAdminOptions {
  /** The pending invitations at the start (default: `pendingInvitations()`). */
  invitations?: Invitation[];
  audit?: (vars: Record<string, unknown>) => Entry[];
  /** The applied models' notes (AuditModelNotes). */
  modelNotes?: { version: number; note: string }[];
  errors?: Partial<Record<string, FakeError>>;
}

/** A fake `fetch` answering the admin screens' GraphQL operations; records every call. */
export function installFakeAdminApi(opts: FakeAdminOptions = {}) {
  const users = adminUsers();
  const keys = apiKeys();
  const invitations = [...(opts.invitations ?? pendingInvitations())];
  let invited = 0;
  return stubGraphqlFetch((operationName, v) => {
    switch (operationName) {
      case 'AdminUsers':
        return json({ data: { users } });
      case 'UpdateUser': {
        const user = users.find((u) => u.userId === v.userId)!;
        if (v.role) user.role = v.role as typeof user.role;
        if (typeof v.isActive === 'boolean') user.isActive = v.isActive;
        return json({ data: { updateUser: { userId: user.userId, role: user.role, isActive: user.isActive } } });
      }
      case 'InviteUser': {
        const email = String(v.email).toLowerCase();
        // Like the API: a new invitation replaces that email's pending one.
        const previous = invitations.findIndex((i) => i.email === email);
        if (previous >= 0) invitations.splice(previous, 1);
        invited += 1;
        invitations.unshift({
          invitationId: `inv_new_${invited}`,
          email,
          name: String(v.name),
          role: v.role as Invitation['role'],
          createdAt: '2026-11-28T10:00:00Z',
          expiresAt: '2026-12-05T10:00:00Z',
        });
        return json({
          data: {
            inviteUser: {
              email,
              name: v.name,
              role: v.role,
              expiresAt: '2026-12-05T10:00:00Z',
              inviteUrl: '/accept-invite#token=invite-secret-123',
            },
          },
        });
      }
      case 'PendingInvitations':
        return json({ data: { invitations } });
      case 'RevokeInvitation': {
        const index = invitations.findIndex((i) => i.invitationId === v.invitationId);
        if (index < 0) {
          return json({ data: null, errors: [{ message: 'invitation not found', extensions: { code: 'NOT_FOUND' } }] });
        }
        invitations.splice(index, 1);
        return json({ data: { revokeInvitation: true } });
      }
      case 'ApiKeys':
        return json({ data: { apiKeys: keys } });
      case 'CreateApiKey': {
        // Like the API: two active keys of one name are refused.
        if (keys.some((k) => k.isActive && k.name === String(v.name))) {
          const rule = 'an active key has this name: choose another, or revoke that one first';
          const message = `a key named '${String(v.name)}' exists`;
          return json({ data: null, errors: [{ message, extensions: { code: 'BAD_USER_INPUT', details: [{ field: 'name', message: rule }], field: 'name' } }] });
        }
        const created = { keyId: 'key_new', name: String(v.name), prefix: 'lsk_NeWkEy', createdAt: '2026-11-28T10:00:00Z', lastUsedAt: null, revokedAt: null, isActive: true };
        keys.unshift(created);
        return json({ data: { createApiKey: { key: 'lsk_NeWkEy-the-whole-secret', apiKey: { keyId: created.keyId, name: created.name } } } });
      }
      case 'RevokeApiKey': {
        const key = keys.find((k) => k.keyId === v.keyId)!;
        key.isActive = false;
        key.revokedAt = '2026-11-28T11:00:00Z';
        return json({ data: { revokeApiKey: { keyId: key.keyId, isActive: false } } });
      }
      case 'AuditModelNotes':
        return json({ data: { scoringConfigVersions: opts.modelNotes ?? [] } });
      case 'AuditLog': {
        const entries = opts.audit ? opts.audit(v) : [auditEntry(0)];
        return json({ data: { auditLog: entries, auditActions: ['leads.written', 'user.updated'] } });
      }
      default:
        return unknownOperation(operationName);
    }
  }, opts.errors);
}
