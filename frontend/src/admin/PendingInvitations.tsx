import { useRef, useState } from 'react';
import useSWR, { type SWRResponse } from 'swr';
import { gqlRequest, GraphQLRequestError } from '../api/client';
import type {
  PendingInvitationsQuery,
  RevokeInvitationMutation,
  RevokeInvitationMutationVariables,
} from '../gql/graphql';
import { formatRole } from '../lib/format';
import { ConfirmAction } from './ConfirmAction';
import { PENDING_INVITATIONS_QUERY, REVOKE_INVITATION_MUTATION } from './operations';
import { adminError, adminSWR, formatWhen } from './request';

type Invitation = PendingInvitationsQuery['invitations'][number];
type Invitations = SWRResponse<PendingInvitationsQuery>;

/** The tenant's pending invitations (not accepted, withdrawn or expired), newest first. */
export function usePendingInvitations(): Invitations {
  return useSWR<PendingInvitationsQuery>(
    'PendingInvitations',
    () => gqlRequest<PendingInvitationsQuery>(PENDING_INVITATIONS_QUERY),
    adminSWR,
  );
}

/** The pending invitations, each with a "Withdraw" asked twice (its link stops working). */
export function PendingInvitations({ invitations }: { invitations: Invitations }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function withdraw(invitation: Invitation) {
    setError(null);
    setNotice('');
    try {
      await gqlRequest<RevokeInvitationMutation, RevokeInvitationMutationVariables>(REVOKE_INVITATION_MUTATION, {
        invitationId: invitation.invitationId,
      });
      setNotice(`The invitation for ${invitation.email} was withdrawn: its link no longer works.`);
      await invitations.mutate();
      // The row is gone: the focus goes to the list's heading rather than to the page.
      headingRef.current?.focus();
    } catch (err) {
      setError(adminError(err));
      // Accepted, expired or withdrawn meanwhile: show the list as it is now.
      if (err instanceof GraphQLRequestError && err.code === 'NOT_FOUND') void invitations.mutate();
    }
  }

  const list = invitations.data?.invitations;
  return (
    <div className="space-y-2">
      <h3 ref={headingRef} tabIndex={-1} className="text-base font-semibold text-slate-900">
        Pending invitations
      </h3>
      <p role="status" className="text-sm text-slate-700">
        {notice}
      </p>
      {(error || invitations.error) && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error ?? adminError(invitations.error)}
        </p>
      )}
      {!list && !invitations.error && <p className="text-sm text-slate-600">Loading invitations…</p>}
      {list && list.length === 0 && <p className="text-sm text-slate-600">No pending invitations</p>}
      {list && list.length > 0 && (
        <ul aria-label="Pending invitations" className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white">
          {list.map((invitation) => (
            <li
              key={invitation.invitationId}
              className="flex flex-wrap items-center gap-3 px-3 py-3"
              data-testid={`invitation-${invitation.invitationId}`}
            >
              <div className="min-w-0 basis-full sm:basis-0 sm:flex-1">
                <p className="truncate font-medium text-slate-900">{invitation.email}</p>
                <p className="truncate text-sm text-slate-700">
                  {invitation.name} · {formatRole(invitation.role)}
                </p>
                <p className="text-xs text-slate-600">
                  Invited {formatWhen(invitation.createdAt)} · expires {formatWhen(invitation.expiresAt)}
                </p>
              </div>
              <ConfirmAction
                label="Withdraw"
                accessibleName={`Withdraw invitation for ${invitation.email}`}
                question={`Withdraw the invitation for ${invitation.email}? Its link stops working at once.`}
                confirmLabel="Yes, withdraw"
                onConfirm={() => withdraw(invitation)}
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
