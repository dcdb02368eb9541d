import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, loadPlayer } from './app/App.js';
import { startSessionCheck } from './auth/AuthContext.js';
import { prefetchReplay } from './player/replay-prefetch.js';
import './styles/base.css';
import './styles/app.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element to mount the Reprise app in.');

// The session check, and on a player page its code and its replay's data, start now and in
// parallel, rather than one after the other once the first render is done.
startSessionCheck();
if (prefetchReplay(new URL(window.location.href))) void loadPlayer().catch(() => undefined);

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
