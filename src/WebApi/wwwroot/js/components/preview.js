// The in-app preview of a file (issue 15): images as <img> fed by a blob: URL (the policy allows blob: images),
// text as escaped text in a <pre>. Nothing from the file is ever inserted as HTML, and nothing runs from it.
import * as api from '../medivault-api.js';
import { h, replace, uid } from '../dom.js';
import { describeError, loading } from '../ui.js';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg']);
const TEXT_TYPES = new Set(['text/plain']);
/** Bigger files are downloaded, not read into the page. */
const PREVIEW_MAX_BYTES = 10 * 1024 * 1024;
const TEXT_MAX_CHARS = 200_000;

/** Whether the app can show this file itself. */
export function canPreview(file) {
  const type = String(file.contentType ?? '').split(';')[0].trim().toLowerCase();
  return (IMAGE_TYPES.has(type) || TEXT_TYPES.has(type)) && Number(file.sizeBytes) <= PREVIEW_MAX_BYTES;
}

/** Opens a modal dialog showing the file; closing it frees the blob URL. */
export function openPreview(file) {
  const titleId = uid('preview-title');
  const body = h('div', { class: 'mt-4 max-h-[70vh] overflow-auto rounded-lg border border-slate-200 bg-slate-50 p-2' }, loading('Loading the preview…'));
  const close = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: 'Close' });
  const dialog = h('dialog', {
    class: 'm-auto w-[min(56rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-4 shadow-xl sm:p-6',
    'aria-labelledby': titleId,
  },
  h('div', { class: 'flex items-start justify-between gap-3' },
    h('h2', { id: titleId, class: 'min-w-0 text-lg font-semibold break-all', text: `Preview: ${file.fileName}` }),
    close),
  body);

  let objectUrl = null;
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    dialog.remove();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();

  (async () => {
    try {
      const blob = await api.fetchFileContent(file.id);
      if (!dialog.open) return;
      if (IMAGE_TYPES.has(blob.type.split(';')[0]) || IMAGE_TYPES.has(file.contentType)) {
        objectUrl = URL.createObjectURL(blob);
        replace(body, h('img', { src: objectUrl, alt: `Preview of ${file.fileName}`, class: 'mx-auto h-auto max-w-full' }));
      } else {
        const text = await blob.text();
        replace(body,
          h('pre', { class: 'text-sm whitespace-pre-wrap break-words text-slate-900', text: text.slice(0, TEXT_MAX_CHARS) }),
          text.length > TEXT_MAX_CHARS ? h('p', { class: 'mt-2 text-xs text-slate-600', text: 'The file is longer; download it to read the rest.' }) : null);
      }
    } catch (error) {
      replace(body, h('p', { class: 'alert alert-error', role: 'alert', text: describeError(error) }));
    }
  })();
}
