// The self-hosted GraphiQL served at GET /graphql to browsers (when GRAPHIQL_ENABLED /
// development). Built from npm into dist/graphiql.html + dist/assets/, so nothing is
// loaded from a third-party host.
import './workers';
import 'graphiql/style.css';
import './page.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';

// Relative URL: same origin as the page (and the Vite dev proxy in `npm run dev`).
const fetcher = createGraphiQLFetcher({ url: '/graphql' });

const DEFAULT_QUERY = `# Leadscore GraphQL explorer
#
# Most fields need a signed-in user. Get an access token with
#   POST /auth/login {"email": "...", "password": "..."}
# then open the Headers tab below and enter
#   {"Authorization": "Bearer <accessToken>"}
# (headers are kept in memory only, never saved in this browser).

{
  me {
    name
    role
  }
}
`;

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      defaultEditorToolsVisibility="headers"
      isHeadersEditorEnabled
      shouldPersistHeaders={false}
    />
  </StrictMode>,
);
