// Hash routing: '#/records', '#/doctor/patients/<id>', '#/sign-in?next=%23%2Fqr'.
import { authorizeContinuation, getUser, homeRoute, mustSetUpTwoFactor } from './session.js';

let routes = [];
let renderCount = 0;
let disposeCurrent = null;
let listener = null;

/** route: { path: '/doctor/patients/:id', title, access: 'public'|'guest'|'patient'|'doctor'|'any', load: () => import(...) } */
export function defineRoutes(list) {
  routes = list.map((route) => ({ ...route, pattern: compile(route.path) }));
}

function compile(path) {
  const names = [];
  const source = path.replace(/:([a-zA-Z]+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${source}$`), names };
}

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(search) };
}

export function navigate(target, { replace = false } = {}) {
  const hash = target.startsWith('#') ? target : `#${target}`;
  if (location.hash === hash) {
    listener?.();
  } else if (replace) {
    history.replaceState(null, '', hash);
    listener?.();
  } else {
    location.hash = hash;
  }
}

function match(path) {
  for (const route of routes) {
    const found = route.pattern.regex.exec(path);
    if (found) {
      const params = {};
      route.pattern.names.forEach((name, i) => {
        params[name] = decodeURIComponent(found[i + 1]);
      });
      return { route, params };
    }
  }
  return null;
}

/** Starts routing; onRender(route) lets the shell update navigation; main is the page container. */
export function startRouter(main, onRender) {
  listener = () => {
    // '#main' and other in-page anchors are not routes.
    if (location.hash && !location.hash.startsWith('#/')) return;
    render(main, onRender);
  };
  window.addEventListener('hashchange', listener);
  render(main, onRender, true);
}

async function render(main, onRender, initial = false) {
  const { path, query } = parseHash();
  const found = match(path) ?? match('/not-found');
  const { route, params } = found;
  const user = getUser();

  if (route.access === 'guest' && user) {
    const continuation = authorizeContinuation(query);
    if (continuation && mustSetUpTwoFactor(user)) return navigate(`#/two-factor-setup?next=${encodeURIComponent(continuation)}`, { replace: true });
    if (continuation) return location.assign(continuation);
    return navigate(homeRoute(user), { replace: true });
  }
  if (['patient', 'doctor', 'any'].includes(route.access)) {
    if (!user) {
      const next = encodeURIComponent(`#${path}${query.size ? `?${query}` : ''}`);
      return navigate(`#/sign-in?next=${next}`, { replace: true });
    }
    if (route.access !== 'any' && user.accountType !== route.access) return navigate(homeRoute(user), { replace: true });
    // A doctor's first sign-in leads to the two-factor setup, and nowhere else, until it is done.
    if (mustSetUpTwoFactor(user) && route.path !== '/two-factor-setup') {
      const next = authorizeContinuation(query) ? `?next=${encodeURIComponent(query.get('next'))}` : '';
      return navigate(`#/two-factor-setup${next}`, { replace: true });
    }
  }

  renderCount += 1;
  const ticket = renderCount;
  disposeCurrent?.();
  disposeCurrent = null;

  // Each page draws into its own container; a page still loading when the user moves on draws into a detached one.
  const container = document.createElement('div');
  main.replaceChildren(container);
  document.title = `${route.title} · MediVault`;
  onRender?.(route);
  if (!initial) main.focus({ preventScroll: true });
  window.scrollTo(0, 0);

  try {
    const module = await route.load();
    if (ticket !== renderCount) return;
    const dispose = await module.render(container, { params, query, user, navigate });
    if (ticket === renderCount && typeof dispose === 'function') disposeCurrent = dispose;
    else if (typeof dispose === 'function') dispose();
  } catch (error) {
    if (ticket !== renderCount) return;
    const message = document.createElement('p');
    message.className = 'alert alert-error';
    message.setAttribute('role', 'alert');
    message.textContent = error?.status === 0 && error.detail
      ? error.detail
      : 'This page could not be loaded. Reload the page and try again.';
    container.replaceChildren(message);
  }
}
