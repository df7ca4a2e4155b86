/** @jsxImportSource react */
// GraphiQL's page, served at /graphql to a browser (when the server has GraphiQL on). Everything it
// loads is in this build: Monaco's workers are files from this origin (no CDN, no blob: workers).
import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import './graphiql.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createTokenStore } from '../lib/session';
import { GraphiQLPage } from './GraphiQLPage';

const root = document.getElementById('graphiql');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <GraphiQLPage tokens={createTokenStore()} />
    </StrictMode>,
  );
}
