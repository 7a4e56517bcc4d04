// Entry point: take the token, build the API links, mount the dashboard.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'urql';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { createApiClients } from './api/clients.js';
import { roleOfToken, takeToken } from './auth/token.js';
import { App, NoToken } from './app.js';
import { ErrorBoundary } from './error-boundary.js';

const root = createRoot(document.getElementById('root')!);
const token = takeToken();

if (!token) {
  root.render(<NoToken />);
} else {
  const api = createApiClients(token);
  root.render(
    <StrictMode>
      <ErrorBoundary>
        <Provider value={api.urql}>
          <App session={{ api, token, role: roleOfToken(token) }} />
        </Provider>
      </ErrorBoundary>
    </StrictMode>,
  );
}
