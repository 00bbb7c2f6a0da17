// Small, accessible building blocks shared by the pages.
import { ApiError } from './medivault-api.js';
import { append, h, replace, uid } from './dom.js';
import { outcomeLabel, pluralize } from './format.js';
import { plainWords } from './validation.js';

export function pageHeader(title, description, ...actions) {
  return h('div', { class: 'mb-6 flex flex-wrap items-end justify-between gap-4' },
    h('div', { class: 'min-w-0' },
      h('h1', { class: 'text-2xl font-bold tracking-tight', text: title }),
      description ? h('p', { class: 'mt-1 max-w-2xl text-sm text-slate-600', text: description }) : null),
    actions.length ? h('div', { class: 'flex flex-wrap gap-2' }, actions) : null);
}

export function card(title, ...children) {
  const headingId = uid('card');
  return h('section', { class: 'card', 'aria-labelledby': title ? headingId : null },
    title ? h('h2', { id: headingId, class: 'mb-4 text-lg font-semibold', text: title }) : null,
    children);
}

const ALERT_CLASSES = { error: 'alert-error', success: 'alert-success', info: 'alert-info', warning: 'alert-warning' };

/** An alert box; errors are announced (role=alert), others politely (role=status). */
export function alertBox(kind, message, ...extra) {
  return h('div', { class: `alert ${ALERT_CLASSES[kind]}`, role: kind === 'error' ? 'alert' : 'status' },
    typeof message === 'string' ? h('p', { text: message }) : message, extra);
}

/**
 * A slot that shows one alert at a time. Showing a message also clears every other slot on the page and any toast
 * still on screen, so a success and an error are never shown at once (a page with two forms, a toast from an
 * earlier save).
 */
export function messageSlot() {
  const slot = h('div', { class: 'empty:hidden mb-4', dataset: { messageSlot: '' } });
  return {
    element: slot,
    show(kind, message, ...extra) {
      for (const other of document.querySelectorAll('[data-message-slot]')) if (other !== slot) other.replaceChildren();
      clearToasts();
      replace(slot, alertBox(kind, message, ...extra));
    },
    clear() {
      slot.replaceChildren();
    },
  };
}

const BADGE_CLASSES = { green: 'badge-green', red: 'badge-red', amber: 'badge-amber', slate: 'badge-slate', blue: 'badge-blue' };

export function badge(color, text) {
  return h('span', { class: `badge ${BADGE_CLASSES[color] ?? 'badge-slate'}`, text });
}

/** The outcome of an access, in the one vocabulary the app uses: a green "Allowed" or a red "Denied". */
export function outcomeBadge(outcome) {
  return badge(outcome === 'denied' ? 'red' : 'green', outcomeLabel(outcome));
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'flex items-center gap-2 text-sm text-slate-600', role: 'status' },
    h('span', { class: 'inline-block h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-brand-700', 'aria-hidden': 'true' }),
    text);
}

export function emptyState(text, ...extra) {
  return h('div', { class: 'rounded-xl border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-sm text-slate-600' },
    h('p', { text }), extra);
}

// ---- Forms ------------------------------------------------------------------------------------------

/**
 * A labelled control with a hint and an error line wired through aria-describedby.
 * control: an input/select/textarea; name: the API field (for error mapping, e.g. "allergies[0].substance").
 */
export function field({ label, control, hint, name, class: className = '' }) {
  const controlId = control.id || uid('field');
  control.id = controlId;
  if (name) control.dataset.field = name;
  const hintId = hint ? `${controlId}-hint` : null;
  const errorId = `${controlId}-error`;
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  return h('div', { class: className },
    h('label', { class: 'field-label', for: controlId, text: label }),
    control,
    hint ? h('p', { id: hintId, class: 'field-hint', text: hint }) : null,
    h('p', { id: errorId, class: 'field-error', hidden: true, dataset: { errorFor: controlId } }));
}

export function input(props = {}) {
  return h('input', { class: 'input', type: 'text', ...props });
}

export function textarea(props = {}) {
  return h('textarea', { class: 'input', rows: 3, ...props });
}

/** options: [[value, label], …]; selected: the value to select. */
export function select(options, selected, props = {}) {
  return h('select', { class: 'input', ...props },
    options.map(([value, label]) => h('option', { value, selected: value === selected, text: label })));
}

export function setFieldError(control, message) {
  const error = control.ownerDocument.getElementById(`${control.id}-error`);
  if (message) {
    control.setAttribute('aria-invalid', 'true');
    if (error) {
      error.textContent = message;
      error.hidden = false;
    }
  } else {
    control.removeAttribute('aria-invalid');
    if (error) {
      error.textContent = '';
      error.hidden = true;
    }
  }
}

export function clearFieldErrors(form) {
  for (const control of form.querySelectorAll('[data-field]')) setFieldError(control, null);
}

/** "Allergies[0].Substance" → "allergies[0].substance": the API's error keys matched to data-field names. */
export function normalizeFieldKey(key) {
  return String(key)
    .split('.')
    .map((segment) => segment.charAt(0).toLowerCase() + segment.slice(1))
    .join('.')
    .toLowerCase();
}

/**
 * Shows a 400's `errors` next to the fields they name. Returns the messages no field on the form claimed.
 */
export function showFieldErrors(form, errors) {
  const controls = new Map();
  for (const control of form.querySelectorAll('[data-field]')) controls.set(normalizeFieldKey(control.dataset.field), control);
  const unclaimed = [];
  let first = null;
  for (const [key, messages] of Object.entries(errors ?? {})) {
    const control = controls.get(normalizeFieldKey(key));
    if (control) {
      setFieldError(control, [].concat(messages).map((m) => plainWords(m, key)).join(' '));
      first ??= control;
    } else {
      unclaimed.push([].concat(messages).join(' '));
    }
  }
  first?.focus();
  return unclaimed;
}

/** What to tell a person about a failed call. */
export function describeError(error, { tooLarge, unsupported } = {}) {
  if (!(error instanceof ApiError)) return 'Something went wrong in the page. Reload and try again.';
  switch (error.status) {
    case 0:
      return error.detail;
    case 413:
      return tooLarge ?? 'The file is larger than the upload limit of this MediVault server.';
    case 415:
      return unsupported ?? 'This type of file is not accepted. Upload a PDF, PNG, JPEG, DICOM or plain-text file whose extension matches its content.';
    case 429:
      return error.retryAfter
        ? `Too many requests. Try again in ${pluralize(error.retryAfter, 'second')}.`
        : 'Too many requests. Wait a moment and try again.';
    case 404:
      return error.detail || 'Not found. It may have been removed, or you no longer have access.';
    case 500:
    case 502:
    case 503:
      return 'The server could not complete the request. Try again in a moment.';
    default:
      return error.detail || error.title || `The request failed (${error.status}).`;
  }
}

/**
 * Handles a failed form submit: field errors inline, the rest in the message slot.
 */
export function showFormError(form, slot, error, options) {
  clearFieldErrors(form);
  if (error instanceof ApiError && error.status === 400 && Object.keys(error.errors).length) {
    const unclaimed = showFieldErrors(form, error.errors);
    const summary = Object.keys(error.errors).length === 1 ? 'Please correct the field marked below.' : 'Please correct the fields marked below.';
    slot.show('error', unclaimed.length ? `${summary} ${unclaimed.join(' ')}` : summary);
    return;
  }
  slot.show('error', describeError(error, options));
}

/** Disables a submit button while work runs, with a busy label. */
export async function busy(button, label, work) {
  const original = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = label;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = original;
  }
}

// ---- Dialogs and toasts -----------------------------------------------------------------------------

/** A modal confirmation (native <dialog>: focus trapped, Escape cancels). Resolves true on confirm. */
export function confirmDialog({ title, message, confirmText = 'Confirm', danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const messageId = uid('dialog-message');
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary', text: 'Cancel' });
    const confirm = h('button', { type: 'button', class: `btn ${danger ? 'btn-danger' : 'btn-primary'}`, text: confirmText });
    const dialog = h('dialog', {
      class: 'm-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-6 shadow-xl',
      'aria-labelledby': titleId,
      'aria-describedby': messageId,
    },
    h('h2', { id: titleId, class: 'text-lg font-semibold', text: title }),
    h('p', { id: messageId, class: 'mt-2 text-sm text-slate-700', text: message }),
    h('div', { class: 'mt-6 flex justify-end gap-2' }, cancel, confirm));

    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    confirm.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

/**
 * Asks for confirmation of a destructive action (`{ title, message, confirmText }`), then runs it and says how it
 * went in a toast. Resolves true when the action ran.
 */
export async function confirmThenRun(question, action, doneMessage) {
  if (!(await confirmDialog({ ...question, danger: true }))) return false;
  try {
    await action();
    toast(doneMessage);
    return true;
  } catch (error) {
    toast(describeError(error), 'error');
    return false;
  }
}

/** Removes the toasts still on screen (a new message replaces what they said). */
export function clearToasts() {
  document.getElementById('toast-region')?.replaceChildren();
}

/**
 * Shows the client-side check failures ([[control, message], …]) at their fields and a summary in the slot; focuses
 * the first. Returns true when there were failures.
 */
export function showCheckFailures(form, slot, failures) {
  clearFieldErrors(form);
  if (!failures.length) return false;
  for (const [control, message] of failures) setFieldError(control, message);
  slot.show('error', failures.length === 1 ? 'Please correct the field marked below.' : 'Please correct the fields marked below.');
  failures[0][0].focus();
  return true;
}

/** A short message in the corner, announced by the polite live region it sits in. */
export function toast(message, kind = 'success') {
  const region = document.getElementById('toast-region');
  if (!region) return;
  const item = h('div', { class: `alert ${ALERT_CLASSES[kind]} pointer-events-auto shadow-lg`, text: message });
  region.append(item);
  setTimeout(() => item.remove(), 6000);
}

// ---- Lists ------------------------------------------------------------------------------------------

/** Previous/next paging for `{ page, pageSize, totalCount }` answers. */
export function pager({ page, pageSize, totalCount }, onPage, noun = 'item', plural = `${noun}s`) {
  const pages = Math.max(1, Math.ceil(totalCount / pageSize));
  if (totalCount === 0) return null;
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(page * pageSize, totalCount);
  const previous = h('button', { type: 'button', class: 'btn btn-secondary btn-small', disabled: page <= 1, text: 'Previous', onClick: () => onPage(page - 1) });
  const next = h('button', { type: 'button', class: 'btn btn-secondary btn-small', disabled: page >= pages, text: 'Next', onClick: () => onPage(page + 1) });
  return h('nav', { class: 'mt-4 flex flex-wrap items-center justify-between gap-3 text-sm text-slate-700', 'aria-label': 'Pages' },
    h('p', { text: `Showing ${first}–${last} of ${pluralize(totalCount, noun, plural)} · page ${page} of ${pages}` }),
    h('div', { class: 'flex gap-2' }, previous, next));
}

/**
 * A table in a scroll region that keyboard users can reach (tabindex) and screen readers can name. On a phone each
 * row becomes a stacked card whose cells are labelled with their column (data-label, drawn by the stylesheet).
 */
export function dataTable(caption, headers, rows) {
  for (const row of rows) {
    [...row.children].forEach((td, index) => {
      td.dataset.label = headers[index] ?? '';
    });
  }
  const table = h('table', { class: 'data-table stack-on-phone' },
    h('caption', { class: 'sr-only', text: caption }),
    h('thead', {}, h('tr', {}, headers.map((text) => h('th', { scope: 'col', text })))),
    h('tbody', {}, rows));
  return h('div', { class: 'overflow-x-auto rounded-lg border border-slate-200', role: 'region', 'aria-label': caption, tabindex: '0' }, table);
}

export function cell(...children) {
  return append(h('td'), children);
}

/** A "Copy link" button for a read-only link field: copies the link, or selects the field where the clipboard is refused. */
export function copyLinkButton(url, linkInput) {
  return h('button', {
    type: 'button', class: 'btn btn-secondary btn-small', text: 'Copy link',
    onClick: async () => {
      try {
        await navigator.clipboard.writeText(url);
        toast('Link copied.');
      } catch {
        linkInput.select();
      }
    },
  });
}
