import type { AdminUsersQuery, ApiKeysQuery, AuditLogQuery } from '../gql/graphql';
import { json } from '../test/fakeApi';
import { stubGraphqlFetch, unknownOperation, type FakeError } from '../test/fakeGraphql';

type Entry = AuditLogQuery['auditLog'][number];

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

export function auditEntry(i: number, over: Partial<Entry> = {}): Entry {
  return {
    action: 'user.updated',
    outcome: 'success',
    actorId: 'a1',
    actorName: 'Ada Admin',
    actorKind: 'user',
    at: new Date(Date.UTC(2026, 10, 27, 12, 0, 0) - i * 60_000).toISOString(),
    requestId: `req-${i}`,
    fields: [
      { name: 'User id', value: 'Rex Rep (r1)' },
      { name: 'Role', value: 'manager' },
      { name: 'Previous role', value: 'rep' },
    ],
    ...over,
  };
}

export interface FakeAdminOptions {
  audit?: (vars: Record<string, unknown>) => Entry[];
  errors?: Partial<Record<string, FakeError>>;
}

/** A fake `fetch` answering the admin screens' GraphQL operations; records every call. */
export function installFakeAdminApi(opts: FakeAdminOptions = {}) {
  const users = adminUsers();
  const keys = apiKeys();
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
      case 'InviteUser':
        return json({
          data: {
            inviteUser: {
              email: String(v.email).toLowerCase(),
              name: v.name,
              role: v.role,
              expiresAt: '2026-12-05T10:00:00Z',
              inviteUrl: '/accept-invite#token=invite-secret-123',
            },
          },
        });
      case 'ApiKeys':
        return json({ data: { apiKeys: keys } });
      case 'CreateApiKey': {
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
      case 'AuditLog': {
        const entries = opts.audit ? opts.audit(v) : [auditEntry(0)];
        return json({ data: { auditLog: entries, auditActions: ['leads.written', 'user.updated'] } });
      }
      default:
        return unknownOperation(operationName);
    }
  }, opts.errors);
}
