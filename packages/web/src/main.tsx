import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import './styles/base.css';
import './styles/app.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element to mount the Reprise app in.');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
