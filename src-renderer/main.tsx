/**
 * Renderer entry: build the store on the host's api (Electron preload or WebSocket; the renderer
 * cannot tell), subscribe to frames (one store update per animation frame), render the dashboard.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getApi } from './api';
import { App } from './App';
import { createDashboardStore } from './store/dashboard-store';
import { connectFrames } from './store/frame-scheduler';
import { DashboardProvider } from './store/store-context';
import './styles.css';

const api = getApi();
const store = createDashboardStore(api);
connectFrames(api, store);
void store.getState().refreshStatus();

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('index.html must contain <div id="root">');
createRoot(rootElement).render(
  <StrictMode>
    <DashboardProvider store={store}>
      <App />
    </DashboardProvider>
  </StrictMode>,
);
