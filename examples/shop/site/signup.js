import { analytics } from './analytics.js';

const form = document.getElementById('signup-form');
const error = document.getElementById('signup-error');
let started = false;

form.addEventListener('input', () => {
  if (started) return;
  started = true;
  analytics.track('Sign Up Started');
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = form.elements.name.value.trim();
  const email = form.elements.email.value.trim();
  const password = form.elements.password.value;

  if (name === '' || !email.includes('@') || password.length < 8) {
    error.textContent = 'Enter your name, an email address and a password of 8 characters or more.';
    analytics.track('Sign Up Failed', { reason: 'invalid form' });
    return;
  }

  // The demo has no accounts: the email stands in for the user id that a real site would use.
  analytics.identify(email);
  analytics.people.set({ $name: name, $email: email });
  analytics.track('Sign Up Completed');
  window.location.href = 'welcome.html';
});
