/** The query editor's first text: whom queries run as, and one line for scripts (lines fit the editor). */
export const DEFAULT_QUERY = `# Leadscore GraphQL explorer
#
# Queries run as you while you are signed in to the
# dashboard in this browser; an Authorization header
# typed in the Headers tab below is sent instead.
# Scripts: "Authorization: Bearer <token>" (/auth/login)

{
  me {
    name
    role
  }
}
`;
