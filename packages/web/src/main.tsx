import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { startSessionCheck } from './auth/AuthContext.js';
import './styles/base.css';
import './styles/app.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element to mount the Reprise app in.');

// The session check starts now, in parallel with the first render rather than after it.
startSessionCheck();

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
