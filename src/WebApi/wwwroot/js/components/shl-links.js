// SMART Health Links on the QR codes page (issue 17): create one (label, validity, passcode, what it shares), show its
// QR code and viewer link once, list them with who opened them last, revoke. Server data goes in as text only.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { formatDateTime } from '../format.js';
import { badge, busy, card, confirmThenRun, copyLinkButton, describeError, emptyState, field, input, loading, messageSlot, select, showFormError } from '../ui.js';

const VALIDITY = [
  ['60', '1 hour'],
  ['1440', '24 hours'],
  ['10080', '7 days'],
  ['43200', '30 days'],
];

const STATUS = {
  active: ['green', 'Active'],
  expired: ['slate', 'Expired'],
  revoked: ['red', 'Revoked'],
  locked: ['amber', 'Locked (wrong passcodes)'],
};

/** The SMART Health Links card and its list; `objectUrls` collects blob URLs for the page to release. */
export function shlSection(user, objectUrls) {
  const slot = messageSlot();
  const resultSlot = h('div', { class: 'empty:hidden', 'aria-live': 'polite' });
  const listSlot = h('div', {}, loading('Loading your links…'));
  const filesSlot = h('div', { class: 'space-y-1' });

  const label = input({ name: 'label', maxlength: 80, placeholder: 'e.g. For Dr. Rao' });
  const validity = select(VALIDITY, '1440', { name: 'expiresInMinutes' });
  const passcode = input({ type: 'password', name: 'passcode', maxlength: 64, autocomplete: 'new-password' });
  const summary = h('input', { type: 'checkbox', id: 'shl-include-summary', name: 'emergencySummary', checked: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', text: 'Create link' });
  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': 'Create a SMART Health Link' },
    slot.element,
    h('div', { class: 'grid gap-4 sm:grid-cols-3' },
      field({ label: 'Name of the link (optional)', control: label, name: 'label' }),
      field({ label: 'Available for', control: validity, name: 'expiresInMinutes' }),
      field({ label: 'Passcode (optional)', control: passcode, name: 'passcode', hint: '4 to 64 characters. Tell it to the recipient separately.' })),
    h('fieldset', { class: 'space-y-2' },
      h('legend', { class: 'field-label', text: 'What the link shares' }),
      h('label', { for: summary.id, class: 'flex items-center gap-2 text-sm' }, summary, h('span', { text: 'Emergency summary (allergies, medications, conditions, contacts)' })),
      filesSlot),
    submit);

  async function loadFiles() {
    try {
      const answer = await api.listFiles(user.id, { pageSize: 50 });
      const files = answer?.items ?? [];
      replace(filesSlot, files.map((file) => {
        const box = h('input', { type: 'checkbox', id: `shl-file-${file.id}`, value: file.id, dataset: { shlFile: 'true' } });
        return h('label', { for: box.id, class: 'flex items-center gap-2 text-sm break-all' }, box, h('span', { text: file.fileName }));
      }));
    } catch {
      replace(filesSlot);
    }
  }

  function showResult(link) {
    const svgUrl = URL.createObjectURL(new Blob([link.qrCodeSvg], { type: 'image/svg+xml' }));
    objectUrls.push(svgUrl);
    const urlInput = h('input', { class: 'input font-mono text-xs', id: 'shl-viewer-url', readonly: true, value: link.viewerUrl });
    const copy = copyLinkButton(link.viewerUrl, urlInput);
    replace(resultSlot, card('Your new SMART Health Link',
      h('p', { class: 'alert alert-warning mb-4', text: 'This link and its QR code are shown only now: the key is in them and MediVault does not keep it.' }),
      h('div', { class: 'flex flex-col gap-6 lg:flex-row lg:items-start' },
        h('img', { src: `data:image/png;base64,${link.qrCodePng}`, alt: 'SMART Health Link QR code', width: 176, height: 176, class: 'h-44 w-44 shrink-0' }),
        h('div', { class: 'min-w-0 flex-1 space-y-4' },
          h('div', {},
            h('label', { for: urlInput.id, class: 'field-label', text: 'Viewer link' }),
            h('div', { class: 'flex gap-2' }, urlInput, copy)),
          h('div', { class: 'flex flex-wrap gap-2' },
            h('a', { href: `data:image/png;base64,${link.qrCodePng}`, download: 'medivault-health-link.png', class: 'btn btn-secondary btn-small', text: 'Download PNG' }),
            h('a', { href: svgUrl, download: 'medivault-health-link.svg', class: 'btn btn-secondary btn-small', text: 'Download SVG' })),
          h('p', { class: 'text-xs text-slate-600', text: `Expires ${formatDateTime(link.expiresAt)}.` })))));
  }

  function describeOpens(link) {
    if (!link.openCount) return 'Not opened yet';
    const who = link.lastOpenedBy ? `Opened by ${link.lastOpenedBy}` : 'Opened';
    const times = link.openCount === 1 ? 'once' : `${link.openCount} times`;
    return `${who} ${link.lastOpenedAt ? formatDateTime(link.lastOpenedAt) : ''} · ${times}`.replace(/\s+·/, ' ·');
  }

  async function loadList() {
    let links;
    try {
      links = await api.listShls();
    } catch (error) {
      replace(listSlot, h('p', { class: 'alert alert-error', role: 'alert', text: describeError(error) }));
      return;
    }
    if (!links.length) {
      replace(listSlot, emptyState('You have no SMART Health Links yet.'));
      return;
    }
    replace(listSlot, h('ul', { class: 'divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white', 'aria-label': 'SMART Health Links' },
      links.map((link) => {
        const [color, text] = STATUS[link.status] ?? ['slate', link.status];
        const name = link.label || 'Untitled link';
        return h('li', { class: 'flex flex-col gap-2 p-4 sm:flex-row sm:items-center sm:justify-between', dataset: { shlId: link.id } },
          h('div', { class: 'min-w-0' },
            h('div', { class: 'flex flex-wrap items-center gap-2' },
              h('h3', { class: 'text-sm font-semibold break-all', text: name }),
              badge(color, text),
              (link.flag ?? '').includes('P') ? badge('slate', 'Passcode') : null),
            h('p', { class: 'mt-1 text-sm text-slate-700 break-words', text: describeOpens(link) }),
            h('p', { class: 'mt-1 text-xs text-slate-600', text: `Created ${formatDateTime(link.createdAt)} · ${link.revokedAt ? `revoked ${formatDateTime(link.revokedAt)}` : `expires ${formatDateTime(link.expiresAt)}`}` })),
          link.status === 'active'
            ? h('button', {
              type: 'button', class: 'btn btn-danger-outline btn-small self-start sm:self-center', 'aria-label': `Revoke ${name}`, text: 'Revoke',
              onClick: async () => {
                const revoked = await confirmThenRun({
                  title: 'Revoke this link?',
                  message: `"${name}" stops working at once: whoever opens it sees that it is no longer available.`,
                  confirmText: 'Revoke link',
                }, () => api.revokeShl(link.id), `Revoked ${name}.`);
                if (revoked) loadList();
              },
            })
            : null);
      })));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    await busy(submit, 'Creating…', async () => {
      try {
        const fileIds = [...form.querySelectorAll('input[data-shl-file]:checked')].map((box) => box.value);
        const link = await api.createShl({
          label: label.value.trim() || undefined,
          expiresInMinutes: Number(validity.value),
          passcode: passcode.value || undefined,
          include: { emergencySummary: summary.checked, fileIds },
        });
        showResult(link);
        form.reset();
        loadList();
        resultSlot.querySelector('h2')?.setAttribute('tabindex', '-1');
        resultSlot.querySelector('h2')?.focus();
      } catch (error) {
        showFormError(form, slot, error);
      }
    });
  });

  loadFiles();
  loadList();
  return h('div', { class: 'space-y-6' },
    card('Share with a SMART Health Link', h('p', { class: 'mb-4 text-sm text-slate-600', text: 'An encrypted link any SMART Health Link viewer can open. You choose what it shares, until when, and whether it needs a passcode; you see who opened it and can revoke it at any time.' }), form),
    resultSlot,
    card('Your SMART Health Links', listSlot));
}
