// The self-hosted GraphiQL served at GET /graphql to browsers (when GRAPHIQL_ENABLED /
// development). Built from npm into dist/graphiql.html + dist/assets/, so nothing is
// loaded from a third-party host. Queries run with the dashboard's session (same cookie,
// same refresh lock, same cross-tab sign-out) unless the user types an Authorization header.
import './workers';
import 'graphiql/style.css';
import './page.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { restoreSession } from '../auth/session';
import { DEFAULT_QUERY } from './defaultQuery';
import { createSessionFetch } from './sessionFetch';
import { SessionNotice } from './SessionNotice';
import { setHeadersText } from './typedHeader';

// Relative URL: same origin as the page (and the Vite dev proxy in `npm run dev`).
const fetcher = createGraphiQLFetcher({ url: '/graphql', fetch: createSessionFetch() });

void restoreSession();

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <div className="explorer">
      <SessionNotice />
      <div className="explorer-ide">
        <GraphiQL
          fetcher={fetcher}
          defaultQuery={DEFAULT_QUERY}
          defaultEditorToolsVisibility="headers"
          isHeadersEditorEnabled
          shouldPersistHeaders={false}
          onEditHeaders={setHeadersText}
        />
      </div>
    </div>
  </StrictMode>,
);
