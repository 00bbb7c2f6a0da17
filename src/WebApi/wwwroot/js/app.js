// Entry point: finds out who is signed in, draws the shell, and starts the hash router.
import * as api from './medivault-api.js';
import { h, replace } from './dom.js';
import { defineRoutes, navigate, parseHash, startRouter } from './router.js';
import { getUser, onUserChange, setUser } from './session.js';
import { badge, toast } from './ui.js';

defineRoutes([
  { path: '/', title: 'Welcome', access: 'guest', load: () => import('./pages/landing.js') },
  { path: '/sign-in', title: 'Sign in', access: 'guest', load: () => import('./pages/sign-in.js') },
  { path: '/register', title: 'Create an account', access: 'guest', load: () => import('./pages/register.js') },
  { path: '/forgot-password', title: 'Forgot password', access: 'guest', load: () => import('./pages/forgot-password.js') },
  { path: '/reset-password', title: 'Choose a new password', access: 'public', load: () => import('./pages/reset-password.js') },
  { path: '/two-factor-setup', title: 'Set up two-factor sign-in', access: 'any', load: () => import('./pages/two-factor-setup.js') },
  { path: '/dashboard', title: 'Dashboard', access: 'patient', nav: 'patient', load: () => import('./pages/dashboard.js') },
  { path: '/records', title: 'Records', access: 'patient', nav: 'patient', load: () => import('./pages/records.js') },
  { path: '/emergency-profile', title: 'Emergency profile', access: 'patient', nav: 'patient', load: () => import('./pages/emergency-profile.js') },
  { path: '/qr-codes', title: 'QR codes', access: 'patient', nav: 'patient', load: () => import('./pages/qr-codes.js') },
  { path: '/sharing', title: 'Sharing', access: 'patient', nav: 'patient', load: () => import('./pages/sharing.js') },
  { path: '/access-log', title: 'Access log', access: 'patient', nav: 'patient', load: () => import('./pages/access-log.js') },
  { path: '/doctor', title: 'My patients', access: 'doctor', nav: 'doctor', load: () => import('./pages/doctor-patients.js') },
  { path: '/doctor/patients/:patientId', title: 'Patient', access: 'doctor', navAs: '/doctor', load: () => import('./pages/doctor-patient.js') },
  { path: '/ledger', title: 'Ledger', access: 'any', nav: 'any', load: () => import('./pages/ledger.js') },
  { path: '/account', title: 'Account', access: 'any', nav: 'any', load: () => import('./pages/account.js') },
  { path: '/not-found', title: 'Page not found', access: 'public', load: () => import('./pages/not-found.js') },
]);

const NAV = {
  patient: [
    ['/dashboard', 'Dashboard'],
    ['/records', 'Records'],
    ['/emergency-profile', 'Emergency profile'],
    ['/qr-codes', 'QR codes'],
    ['/sharing', 'Sharing'],
    ['/access-log', 'Access log'],
    ['/ledger', 'Ledger'],
    ['/account', 'Account'],
  ],
  doctor: [
    ['/doctor', 'My patients'],
    ['/ledger', 'Ledger'],
    ['/account', 'Account'],
  ],
};

const nav = document.getElementById('app-nav');
const menuButton = document.getElementById('menu-button');
const accountArea = document.getElementById('account-area');
const main = document.getElementById('main');

// Below 768px the menu is a panel under the header, opened by the "Menu" button: every destination is one tap
// away and nothing scrolls sideways. From 768px it is the side bar and the button is hidden.
function setMenuOpen(open) {
  menuButton.setAttribute('aria-expanded', open ? 'true' : 'false');
  nav.classList.toggle('max-md:hidden', !open);
}

menuButton.addEventListener('click', () => setMenuOpen(menuButton.getAttribute('aria-expanded') !== 'true'));
// A tap on a destination closes the menu, even when it is the page already shown (no route change follows).
nav.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('a')) setMenuOpen(false);
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && menuButton.getAttribute('aria-expanded') === 'true') {
    setMenuOpen(false);
    menuButton.focus();
  }
});

function drawNav(route) {
  const user = getUser();
  const items = user ? NAV[user.accountType] ?? [] : [];
  nav.hidden = items.length === 0;
  menuButton.hidden = items.length === 0;
  setMenuOpen(false);
  const current = route?.navAs ?? route?.path ?? parseHash().path;
  replace(nav,
    h('ul', { class: 'flex flex-col gap-1' },
      items.map(([path, label]) => h('li', {},
        h('a', { href: `#${path}`, class: 'nav-link', 'aria-current': path === current ? 'page' : null, text: label })))),
    user ? h('div', { class: 'mt-2 border-t border-slate-200 px-3 pt-3 pb-1 md:hidden' },
      h('p', { class: 'truncate text-sm font-semibold text-slate-900', text: user.fullName }),
      h('p', { class: 'mb-3 truncate text-xs text-slate-600', text: user.email }),
      h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: 'Sign out', onClick: signOut })) : null);
}

async function signOut() {
  try {
    await api.logout();
  } catch {
    // The session may already be gone; signing out locally is what matters to the person.
  }
  setUser(null);
  toast('You are signed out.', 'info');
  navigate('#/sign-in');
}

function drawAccount() {
  const user = getUser();
  if (!user) {
    replace(accountArea,
      h('a', { href: '#/sign-in', class: 'btn btn-secondary btn-small whitespace-nowrap', text: 'Sign in' }),
      h('a', { href: '#/register', class: 'btn btn-primary btn-small whitespace-nowrap', text: 'Create account' }));
    return;
  }
  replace(accountArea,
    h('div', { class: 'hidden min-w-0 text-right lg:block' },
      h('p', { class: 'truncate text-sm font-semibold text-slate-900', text: user.fullName }),
      h('p', { class: 'truncate text-xs text-slate-600', text: user.email })),
    badge(user.accountType === 'doctor' ? 'blue' : 'green', user.accountType === 'doctor' ? 'Doctor' : 'Patient'),
    h('button', { type: 'button', class: 'btn btn-secondary btn-small max-md:hidden', text: 'Sign out', onClick: signOut }));
}

// The skip link jumps to the page content without touching the route (the hash belongs to the router).
document.getElementById('skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
  main.scrollIntoView();
});

let lastRoute = null;
onUserChange(() => {
  drawAccount();
  drawNav(lastRoute);
});

api.onUnauthorized(() => {
  if (!getUser()) return;
  setUser(null);
  const { path } = parseHash();
  navigate(`#/sign-in?expired=1&next=${encodeURIComponent(`#${path}`)}`);
});

async function start() {
  let user = null;
  try {
    user = await api.me();
  } catch {
    user = null;
  }
  setUser(user);
  startRouter(main, (route) => {
    lastRoute = route;
    drawNav(route);
  });
}

start();
