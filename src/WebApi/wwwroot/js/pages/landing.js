// The front door for people who are not signed in.
import { h, replace } from '../dom.js';

const FEATURES = [
  ['Encrypted at rest', 'Every record is encrypted with its own key before it touches the disk.'],
  ['Tamper-evident', 'A hash-chained ledger proves that nothing changed after upload.'],
  ['Emergency QR card', 'First responders see allergies, medication and contacts — only while your code is valid.'],
  ['You decide who sees what', 'Grant a doctor access, set an end date, revoke it at any moment. Every access is logged.'],
];

export function render(container) {
  replace(container,
    h('section', { class: 'grid items-center gap-8 py-4 lg:grid-cols-2 lg:py-10' },
      h('div', {},
        h('p', { class: 'text-sm font-semibold tracking-wide text-brand-700 uppercase', text: 'Secure medical records vault' }),
        h('h1', { class: 'mt-2 text-3xl font-bold tracking-tight sm:text-4xl', text: 'Your medical records, safe and in your hands.' }),
        h('p', { class: 'mt-4 max-w-xl text-base text-slate-700', text: 'Keep lab reports, prescriptions and scans in one place, carry an emergency card that speaks for you, and share with your doctors on your terms.' }),
        h('div', { class: 'mt-6 flex flex-wrap gap-3' },
          h('a', { href: '#/sign-in', class: 'btn btn-primary', text: 'Sign in' }),
          h('a', { href: '#/register', class: 'btn btn-secondary', text: 'Create an account' }))),
      h('ul', { class: 'grid gap-4 sm:grid-cols-2' },
        FEATURES.map(([title, text]) => h('li', { class: 'card' },
          h('h2', { class: 'text-base font-semibold', text: title }),
          h('p', { class: 'mt-1 text-sm text-slate-700', text }))))));
}
