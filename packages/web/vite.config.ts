import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dev server forwards API calls to a Reprise server running locally (`npm start`).
const devApiTarget = 'http://127.0.0.1:8484';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: devApiTarget },
      '/healthz': { target: devApiTarget },
    },
  },
});
