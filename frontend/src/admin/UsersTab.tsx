import { useId, useState } from 'react';
import useSWR from 'swr';
import { gqlRequest } from '../api/client';
import { getSessionState } from '../auth/session';
import type {
  AdminUsersQuery,
  InviteUserMutation,
  InviteUserMutationVariables,
  Role,
  UpdateUserMutation,
  UpdateUserMutationVariables,
} from '../gql/graphql';
import { formatRole } from '../lib/format';
import { AccessToggle } from './AccessToggle';
import { ADMIN_USERS_QUERY, INVITE_USER_MUTATION, UPDATE_USER_MUTATION } from './operations';
import { PendingInvitations, usePendingInvitations } from './PendingInvitations';
import { RoleSelect, ROLES } from './RoleSelect';
import { adminError, adminSWR, formatWhen } from './request';
import { ShownOnce } from './ShownOnce';
import { useAdminSubmit } from './useAdminSubmit';

type ManagedUser = AdminUsersQuery['users'][number];

export function UsersTab() {
  const me = getSessionState().user?.userId;
  const users = useSWR<AdminUsersQuery>('AdminUsers', () => gqlRequest<AdminUsersQuery>(ADMIN_USERS_QUERY), adminSWR);
  const invitations = usePendingInvitations();
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function update(user: ManagedUser, change: Omit<UpdateUserMutationVariables, 'userId'>, done: string) {
    setError(null);
    setNotice(null);
    try {
      await gqlRequest<UpdateUserMutation, UpdateUserMutationVariables>(UPDATE_USER_MUTATION, { userId: user.userId, ...change });
      setNotice(done);
      await users.mutate();
    } catch (err) {
      setError(adminError(err));
    }
  }

  return (
    <div className="space-y-6">
      <InviteForm
        onInvited={() => {
          // A new invitation replaces that email's pending one (whose link stops working).
          void invitations.mutate();
          void users.mutate();
        }}
      />
      <PendingInvitations invitations={invitations} />
      <div className="space-y-2">
        <h3 className="text-base font-semibold text-slate-900">Users</h3>
        <p role="status" className="text-sm text-slate-700">
          {notice ?? ''}
        </p>
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        )}
        {users.error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {adminError(users.error)}
          </p>
        )}
        {!users.data && !users.error && <p className="text-sm text-slate-600">Loading users…</p>}
        {users.data && (
          <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white" aria-label="Users">
            {users.data.users.map((user) => (
              <UserRow key={user.userId} user={user} isSelf={user.userId === me} onUpdate={update} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function UserRow({
  user,
  isSelf,
  onUpdate,
}: {
  user: ManagedUser;
  isSelf: boolean;
  onUpdate: (user: ManagedUser, change: Omit<UpdateUserMutationVariables, 'userId'>, done: string) => Promise<void>;
}) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const roleLocked = isSelf || user.external;

  async function run(change: Omit<UpdateUserMutationVariables, 'userId'>, done: string) {
    setBusy(true);
    await onUpdate(user, change, done);
    setBusy(false);
  }

  return (
    <li className="flex flex-wrap items-center gap-3 px-3 py-3" data-testid={`user-${user.userId}`}>
      <div className="min-w-0 basis-full sm:basis-0 sm:flex-1">
        <p className="truncate font-medium text-slate-900">
          {user.name}
          {isSelf && <span className="ml-2 text-xs font-normal text-slate-600">(you)</span>}
        </p>
        <p className="truncate text-sm text-slate-700">{user.email}</p>
        <p className="text-xs text-slate-600">
          {user.isActive ? 'Active' : 'Deactivated'} · last sign-in {formatWhen(user.lastLoginAt)}
          {user.external ? ' · identity provider' : ''}
        </p>
        {isSelf && (
          <p id={`${id}-self`} className="text-xs text-slate-600">
            You cannot change your own role or deactivate yourself.
          </p>
        )}
      </div>
      <RoleSelect
        id={`${id}-role`}
        userName={user.name}
        role={user.role}
        disabled={roleLocked || busy}
        describedBy={isSelf ? `${id}-self` : undefined}
        onConfirm={(role) => run({ role }, `${user.name} is now ${formatRole(role)}.`)}
      />
      <AccessToggle
        id={id}
        userName={user.name}
        isActive={user.isActive}
        disabled={isSelf || busy}
        describedBy={isSelf ? `${id}-self` : undefined}
        onChange={(isActive) => run({ isActive }, `${user.name} ${isActive ? 'was reactivated' : 'was deactivated'}.`)}
      />
    </li>
  );
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const id = useId();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('REP');
  const [link, setLink] = useState<{ url: string; email: string; expiresAt: string } | null>(null);
  const { error, busy, onSubmit } = useAdminSubmit(async () => {
    const data = await gqlRequest<InviteUserMutation, InviteUserMutationVariables>(INVITE_USER_MUTATION, {
      email: email.trim(),
      name: name.trim(),
      role,
    });
    const invitation = data.inviteUser;
    setLink({ url: new URL(invitation.inviteUrl, window.location.origin).toString(), email: invitation.email, expiresAt: invitation.expiresAt });
    setEmail('');
    setName('');
    onInvited();
  });

  return (
    <div className="space-y-3">
      <h3 className="text-base font-semibold text-slate-900">Invite someone</h3>
      {link ? (
        <ShownOnce
          title={`Invitation link for ${link.email}`}
          value={link.url}
          note={`No email is sent: copy this link to them now. It works once, until ${formatWhen(link.expiresAt)}, and is not shown again.`}
          onDone={() => setLink(null)}
        />
      ) : (
        <form onSubmit={(e) => void onSubmit(e)} className="flex flex-wrap items-end gap-3" noValidate>
          <div className="w-full sm:w-auto">
            <label htmlFor={`${id}-email`} className="mb-1 block text-sm font-medium text-slate-800">
              Email
            </label>
            <input
              id={`${id}-email`}
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              className="block w-full rounded-md border border-slate-400 px-2 py-1.5 text-sm"
            />
          </div>
          <div className="w-full sm:w-auto">
            <label htmlFor={`${id}-name`} className="mb-1 block text-sm font-medium text-slate-800">
              Name
            </label>
            <input
              id={`${id}-name`}
              required
              value={name}
              onChange={(e) => setName(e.target.value)}
              className="block w-full rounded-md border border-slate-400 px-2 py-1.5 text-sm"
            />
          </div>
          <div>
            <label htmlFor={`${id}-role`} className="mb-1 block text-sm font-medium text-slate-800">
              Role
            </label>
            <select
              id={`${id}-role`}
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              className="rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm"
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {formatRole(r)}
                </option>
              ))}
            </select>
          </div>
          <button
            type="submit"
            disabled={busy || !email.trim() || !name.trim()}
            className="rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-60"
          >
            Create invitation link
          </button>
          {error && (
            <p role="alert" className="w-full rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {error}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
