// SMART Health Links first (components/shl-links.js), then emergency QR codes: generate, show, download PNG/SVG, print a wallet card, list, revoke.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { formatDateTime, pluralize, scanCount } from '../format.js';
import { shlSection } from '../components/shl-links.js';
import { badge, busy, card, confirmThenRun, copyLinkButton, describeError, emptyState, field, input, loading, messageSlot, pageHeader, select, showFormError } from '../ui.js';

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
  exhausted: ['amber', 'Used up'],
};

/** The card a patient carries: what it is, who it belongs to, the QR, until when. */
function walletCard(user, code) {
  return h('div', { class: 'wallet-card', dataset: { testid: 'wallet-card' } },
    h('img', { src: `data:image/png;base64,${code.qrCodePng}`, alt: 'Emergency QR code', width: 144, height: 144, class: 'h-28 w-28 shrink-0 min-[400px]:h-36 min-[400px]:w-36' }),
    h('div', { class: 'min-w-0 space-y-1 break-words' },
      h('p', { class: 'text-xs font-bold tracking-wider text-red-700 uppercase', text: 'Medical emergency' }),
      h('p', { class: 'wallet-card-name text-base leading-tight font-bold text-slate-900', text: user.fullName }),
      h('p', { class: 'text-xs leading-snug text-slate-700', text: 'Scan for blood type, allergies, medication and emergency contacts.' }),
      code.label ? h('p', { class: 'text-xs text-slate-700', text: code.label }) : null,
      h('p', { class: 'text-xs text-slate-600', text: `Valid until ${formatDateTime(code.expiresAt)}` }),
      h('p', { class: 'text-[10px] text-slate-600', text: 'MediVault' })));
}

function printCard(cardElement) {
  const root = document.getElementById('print-root');
  replace(root, cardElement.cloneNode(true));
  const clear = () => {
    root.replaceChildren();
    window.removeEventListener('afterprint', clear);
  };
  window.addEventListener('afterprint', clear);
  window.print();
}

export async function render(container, { user }) {
  const objectUrls = [];
  const slot = messageSlot();
  const resultSlot = h('div', { class: 'empty:hidden', 'aria-live': 'polite' });
  const listSlot = h('div', {}, loading('Loading your QR codes…'));

  const label = input({ name: 'label', maxlength: 100, placeholder: 'e.g. Wallet card' });
  const validity = select(VALIDITY, '1440', { name: 'expiresInMinutes' });
  const maxUses = input({ type: 'number', name: 'maxUses', min: 1, max: 1000, inputmode: 'numeric' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', text: 'Generate QR code' });
  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': 'Generate a QR code' },
    slot.element,
    h('div', { class: 'grid gap-4 sm:grid-cols-3' },
      field({ label: 'Label (optional)', control: label, name: 'label' }),
      field({ label: 'Valid for', control: validity, name: 'expiresInMinutes' }),
      field({ label: 'Maximum scans (optional)', control: maxUses, name: 'maxUses', hint: 'Leave empty for no limit.' })),
    submit);

  function showResult(code) {
    const cardElement = walletCard(user, code);
    const svgUrl = URL.createObjectURL(new Blob([code.qrCodeSvg], { type: 'image/svg+xml' }));
    objectUrls.push(svgUrl);
    const linkInput = h('input', { class: 'input font-mono text-xs', id: 'qr-access-url', readonly: true, value: code.qrCodeUrl });
    const copy = copyLinkButton(code.qrCodeUrl, linkInput);
    replace(resultSlot, card('Your new QR code',
      h('p', { class: 'alert alert-warning mb-4', text: 'This QR code is shown only now. Download or print it before you leave this page; MediVault keeps only a fingerprint of it.' }),
      h('div', { class: 'flex flex-col gap-6 lg:flex-row lg:items-start' },
        cardElement,
        h('div', { class: 'min-w-0 flex-1 space-y-4' },
          h('div', {},
            h('label', { for: linkInput.id, class: 'field-label', text: 'Emergency link' }),
            h('div', { class: 'flex gap-2' }, linkInput, copy)),
          h('div', { class: 'flex flex-wrap gap-2' },
            h('a', { href: `data:image/png;base64,${code.qrCodePng}`, download: 'medivault-emergency-qr.png', class: 'btn btn-secondary btn-small', text: 'Download PNG' }),
            h('a', { href: svgUrl, download: 'medivault-emergency-qr.svg', class: 'btn btn-secondary btn-small', text: 'Download SVG' }),
            h('button', { type: 'button', class: 'btn btn-primary btn-small', text: 'Print wallet card', onClick: () => printCard(cardElement) }),
            h('a', { href: code.qrCodeUrl, target: '_blank', rel: 'noopener noreferrer', class: 'btn btn-secondary btn-small', text: 'Open emergency page' })),
          h('p', { class: 'text-xs text-slate-600', text: `Expires ${formatDateTime(code.expiresAt)}${code.maxUses ? ` · at most ${pluralize(code.maxUses, 'scan')}` : ''}.` })))));
  }

  async function loadList() {
    let codes;
    try {
      codes = await api.listQrCodes();
    } catch (error) {
      replace(listSlot, h('p', { class: 'alert alert-error', role: 'alert', text: describeError(error) }));
      return;
    }
    if (!codes.length) {
      replace(listSlot, emptyState('You have no QR codes yet.'));
      return;
    }
    replace(listSlot, h('ul', { class: 'divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white', 'aria-label': 'QR codes' },
      codes.map((code) => {
        const [color, text] = STATUS[code.status] ?? ['slate', code.status];
        const name = code.label || 'Untitled code';
        const uses = scanCount(code.useCount, code.maxUses);
        return h('li', { class: 'flex flex-col gap-2 p-4 sm:flex-row sm:items-center sm:justify-between', dataset: { qrId: code.id } },
          h('div', { class: 'min-w-0' },
            h('div', { class: 'flex flex-wrap items-center gap-2' },
              h('h3', { class: 'text-sm font-semibold break-all', text: name }),
              badge(color, text)),
            h('p', { class: 'mt-1 text-xs text-slate-600', text: `${uses} · created ${formatDateTime(code.createdAt)} · ${code.revokedAt ? `revoked ${formatDateTime(code.revokedAt)}` : `expires ${formatDateTime(code.expiresAt)}`}` })),
          code.status === 'active'
            ? h('button', {
              type: 'button', class: 'btn btn-danger-outline btn-small self-start sm:self-center', 'aria-label': `Revoke ${name}`, text: 'Revoke',
              onClick: async () => {
                const revoked = await confirmThenRun({
                  title: 'Revoke this QR code?',
                  message: `"${name}" stops working at once: anyone who scans it sees that it was revoked.`,
                  confirmText: 'Revoke code',
                }, () => api.revokeQrCode(code.id), `Revoked ${name}.`);
                if (revoked) loadList();
              },
            })
            : null);
      })));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    await busy(submit, 'Generating…', async () => {
      try {
        const code = await api.generateQrCode({
          expiresInMinutes: Number(validity.value),
          label: label.value.trim() || undefined,
          maxUses: maxUses.value ? Number(maxUses.value) : undefined,
        });
        showResult(code);
        form.reset();
        loadList();
        resultSlot.querySelector('h2')?.setAttribute('tabindex', '-1');
        resultSlot.querySelector('h2')?.focus();
      } catch (error) {
        showFormError(form, slot, error);
      }
    });
  });

  replace(container,
    pageHeader('QR codes', 'A QR code opens your emergency profile for whoever scans it — a paramedic, a nurse — without an account, until it expires or you revoke it.',
      h('a', { href: '#/emergency-profile', class: 'btn btn-secondary', text: 'Edit emergency profile' })),
    h('div', { class: 'space-y-6' },
      shlSection(user, objectUrls),
      card('Generate an emergency QR code', form),
      resultSlot,
      card('Your QR codes', listSlot)));

  await loadList();
  return () => objectUrls.forEach((url) => URL.revokeObjectURL(url));
}
