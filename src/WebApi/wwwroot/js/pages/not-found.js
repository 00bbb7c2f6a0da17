import { h, replace } from '../dom.js';
import { homeRoute } from '../session.js';

export function render(container) {
  replace(container,
    h('h1', { class: 'text-2xl font-bold', text: 'Page not found' }),
    h('p', { class: 'mt-2 text-slate-700', text: 'There is nothing at this address.' }),
    h('p', { class: 'mt-4' }, h('a', { href: homeRoute(), class: 'btn btn-primary', text: 'Go to the start page' })));
}
