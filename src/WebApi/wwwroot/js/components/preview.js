// The in-app preview of a file (issue 15), in a modal dialog that always offers the download too:
// - PDF: Chromium's own PDF viewer in an <iframe> showing a blob: URL the app made from the downloaded bytes, typed
//   application/pdf by the app (the policy allows frames from blob: only). No PDF script library, nothing from
//   another origin. The frame is not sandboxed: Chromium does not show a PDF in a sandboxed frame at all (docs/decisions.md, 75).
// - PNG and JPEG: an <img> fed by a blob: URL (the policy allows blob: images).
// - Text: escaped, as textContent of a <pre>. Nothing from the file is ever inserted as HTML.
// - DICOM: the study details the server reads from the file's header (GET /api/files/{id}/dicom), never the image.
import * as api from '../medivault-api.js';
import { h, replace, uid } from '../dom.js';
import { formatDate, modalityLabel } from '../format.js';
import { describeError, loading } from '../ui.js';

const PDF_TYPE = 'application/pdf';
const DICOM_TYPE = 'application/dicom';
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg']);
const TEXT_TYPES = new Set(['text/plain']);
/** Bigger files are downloaded, not read into the page (a DICOM preview reads only the header, on the server). */
const PREVIEW_MAX_BYTES = 20 * 1024 * 1024;
const TEXT_MAX_CHARS = 200_000;

function baseType(contentType) {
  return String(contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Whether the app can show this file itself. */
export function canPreview(file) {
  const type = baseType(file.contentType);
  if (type === DICOM_TYPE) return true;
  return (type === PDF_TYPE || IMAGE_TYPES.has(type) || TEXT_TYPES.has(type)) && Number(file.sizeBytes) <= PREVIEW_MAX_BYTES;
}

/** Opens a modal dialog showing the file; closing it frees the blob URL. */
export function openPreview(file) {
  const type = baseType(file.contentType);
  const titleId = uid('preview-title');
  // Focusable, so a keyboard can scroll a long text or a tall image (axe: scrollable-region-focusable).
  const body = h('div', {
    class: 'mt-4 max-h-[75vh] overflow-auto rounded-lg border border-slate-200 bg-slate-50 p-2',
    role: 'region',
    'aria-labelledby': titleId,
    tabindex: '0',
  }, loading('Loading the preview…'));
  const close = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: 'Close' });
  const download = h('a', { href: api.downloadUrl(file.id), download: file.fileName, class: 'btn btn-secondary btn-small', text: 'Download' });
  const dialog = h('dialog', {
    class: 'm-auto w-[min(64rem,calc(100vw-2rem))] rounded-xl border border-slate-200 bg-white p-4 shadow-xl sm:p-6',
    'aria-labelledby': titleId,
  },
  h('div', { class: 'flex flex-wrap items-start justify-between gap-3' },
    h('h2', { id: titleId, class: 'min-w-0 flex-1 text-lg font-semibold break-all', text: `Preview: ${file.fileName}` }),
    h('div', { class: 'flex shrink-0 gap-2' }, download, close)),
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
      if (type === DICOM_TYPE) {
        const summary = await api.getDicomSummary(file.id);
        if (dialog.open) replace(body, dicomDetails(summary));
        return;
      }
      const blob = await api.fetchFileContent(file.id);
      if (!dialog.open) return;
      if (type === PDF_TYPE) {
        // The type is ours, not the answer's: the frame can only ever hold a PDF.
        objectUrl = URL.createObjectURL(new Blob([blob], { type: PDF_TYPE }));
        replace(body, h('iframe', { src: objectUrl, title: `PDF preview of ${file.fileName}`, class: 'block h-[70vh] w-full rounded border-0 bg-white' }));
      } else if (IMAGE_TYPES.has(type)) {
        objectUrl = URL.createObjectURL(blob);
        replace(body, h('img', { src: objectUrl, alt: `Preview of ${file.fileName}`, class: 'mx-auto h-auto max-w-full' }));
      } else {
        const text = await blob.text();
        replace(body,
          h('pre', { class: 'text-sm whitespace-pre-wrap break-words text-slate-900', text: text.slice(0, TEXT_MAX_CHARS) }),
          text.length > TEXT_MAX_CHARS ? h('p', { class: 'mt-2 text-xs text-slate-600', text: 'The file is longer; download it to read the rest.' }) : null);
      }
    } catch (error) {
      if (dialog.open) replace(body, h('p', { class: 'alert alert-error', role: 'alert', text: describeError(error) }));
    }
  })();
}

/** The study details as a description list; only what the header holds is shown. */
function dicomDetails(summary) {
  const size = summary.rows && summary.columns ? `${summary.columns} × ${summary.rows} pixels` : null;
  const rows = [
    ['Modality', summary.modality ? modalityLabel(summary.modality) : null],
    ['Study date', summary.studyDate ? formatDate(summary.studyDate) : null],
    ['Study', summary.studyDescription],
    ['Series', summary.seriesDescription],
    ['Body part', summary.bodyPartExamined],
    ['Image size', size],
    ['Frames', summary.numberOfFrames && summary.numberOfFrames > 1 ? String(summary.numberOfFrames) : null],
    ['Kind of object', summary.sopClass ?? summary.sopClassUid],
    ['Encoding', summary.transferSyntax ?? summary.transferSyntaxUid],
  ].filter(([, value]) => value);
  return h('div', { class: 'p-2' },
    h('p', { class: 'text-sm text-slate-700', text: 'A DICOM image. MediVault shows what its header says about the study; download it to see the images in a DICOM viewer.' }),
    h('h3', { class: 'mt-3 text-base font-semibold text-slate-900', text: 'Study details' }),
    h('dl', { class: 'mt-2 grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-[10rem_1fr] sm:gap-y-2' },
      rows.map(([label, value]) => [
        h('dt', { class: 'font-semibold text-slate-900', text: label }),
        h('dd', { class: 'break-words text-slate-700', text: value }),
      ])));
}
