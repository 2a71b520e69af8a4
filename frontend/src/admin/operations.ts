// GraphQL operations of the admin screens (users and invitations, ingestion keys, audit log).
// The `/* GraphQL */` marker lets graphql-codegen type them into src/gql/.

export const ADMIN_USERS_QUERY = /* GraphQL */ `
  query AdminUsers {
    users {
      userId
      email
      name
      role
      isActive
      external
      lastLoginAt
    }
  }
`;

export const INVITE_USER_MUTATION = /* GraphQL */ `
  mutation InviteUser($email: String!, $name: String!, $role: Role!) {
    inviteUser(email: $email, name: $name, role: $role) {
      email
      name
      role
      expiresAt
      inviteUrl
    }
  }
`;

export const PENDING_INVITATIONS_QUERY = /* GraphQL */ `
  query PendingInvitations {
    invitations {
      invitationId
      email
      name
      role
      createdAt
      expiresAt
    }
  }
`;

export const REVOKE_INVITATION_MUTATION = /* GraphQL */ `
  mutation RevokeInvitation($invitationId: String!) {
    revokeInvitation(invitationId: $invitationId)
  }
`;

export const UPDATE_USER_MUTATION = /* GraphQL */ `
  mutation UpdateUser($userId: String!, $role: Role, $isActive: Boolean) {
    updateUser(userId: $userId, role: $role, isActive: $isActive) {
      userId
      role
      isActive
    }
  }
`;

export const API_KEYS_QUERY = /* GraphQL */ `
  query ApiKeys {
    apiKeys {
      keyId
      name
      prefix
      createdAt
      lastUsedAt
      revokedAt
      isActive
    }
  }
`;

export const CREATE_API_KEY_MUTATION = /* GraphQL */ `
  mutation CreateApiKey($name: String!) {
    createApiKey(name: $name) {
      key
      apiKey {
        keyId
        name
      }
    }
  }
`;

export const REVOKE_API_KEY_MUTATION = /* GraphQL */ `
  mutation RevokeApiKey($keyId: String!) {
    revokeApiKey(keyId: $keyId) {
      keyId
      isActive
    }
  }
`;

export const AUDIT_LOG_QUERY = /* GraphQL */ `
  query AuditLog($limit: Int!, $before: DateTime, $beforeId: String, $since: DateTime, $actorId: String, $action: String) {
    auditLog(limit: $limit, before: $before, beforeId: $beforeId, since: $since, actorId: $actorId, action: $action) {
      id
      action
      outcome
      actorId
      actorName
      actorKind
      at
      requestId
      details
      fields {
        name
        value
      }
    }
    auditActions
  }
`;

/** The note ("why") of each applied model, shown with the audit log's model changes. */
export const AUDIT_MODEL_NOTES_QUERY = /* GraphQL */ `
  query AuditModelNotes {
    scoringConfigVersions {
      version
      note
    }
  }
`;
