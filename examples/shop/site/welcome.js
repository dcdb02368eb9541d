import './analytics.js';
