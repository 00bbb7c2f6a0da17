// Upload one file: drag-and-drop or pick, category, description, record date, real progress, cancel.
import * as api from '../medivault-api.js';
import { h, uid } from '../dom.js';
import { CATEGORIES, categoryLabel, formatBytes, todayIso } from '../format.js';
import { clearFieldErrors, field, input, messageSlot, select, setFieldError, showFormError, textarea, toast } from '../ui.js';

/**
 * options: { patientId?: string (a doctor uploading into a patient's vault), defaultCategory, categories,
 *            title, onUploaded(file) }
 */
export function uploadForm({ patientId, defaultCategory = 'other', categories = CATEGORIES, submitText = 'Upload', onUploaded } = {}) {
  const slot = messageSlot();
  const fileInput = h('input', { type: 'file', name: 'file', class: 'sr-only', id: uid('file'), accept: '.pdf,.png,.jpg,.jpeg,.dcm,.txt,application/pdf,image/png,image/jpeg,application/dicom,text/plain' });
  fileInput.dataset.field = 'file';
  const chosen = h('p', { class: 'text-sm font-medium text-slate-900', id: `${fileInput.id}-chosen`, text: 'No file chosen' });
  const fileError = h('p', { id: `${fileInput.id}-error`, class: 'field-error', hidden: true });
  fileInput.setAttribute('aria-describedby', `${chosen.id} ${fileError.id}`);

  const dropzone = h('label', { for: fileInput.id, class: 'dropzone' },
    uploadIcon(),
    h('span', { class: 'text-base font-semibold text-slate-900', text: 'Drop a file here, or choose one' }),
    h('span', { class: 'text-xs text-slate-600', text: 'PDF, PNG, JPEG, DICOM or plain text' }),
    fileInput);

  const category = select(categories, defaultCategory, { name: 'category' });
  const description = textarea({ name: 'description', rows: 2, maxlength: 1000 });
  const recordDate = input({ type: 'date', name: 'recordDate', max: todayIso() });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', text: submitText });

  const progress = h('progress', { class: 'progress', max: 100, value: 0, id: uid('upload-progress') });
  const progressLabel = h('label', { for: progress.id, class: 'text-sm font-medium text-slate-800', text: 'Upload progress' });
  const progressText = h('p', { class: 'text-sm text-slate-700', 'aria-live': 'polite', dataset: { testid: 'upload-status' } });
  const cancel = h('button', { type: 'button', class: 'btn btn-danger-outline btn-small', text: 'Cancel upload' });
  const progressPanel = h('div', { class: 'space-y-2 rounded-lg border border-slate-200 bg-slate-50 p-4', hidden: true },
    h('div', { class: 'flex items-center justify-between gap-2' }, progressLabel, cancel),
    progress,
    progressText);

  const form = h('form', { class: 'space-y-4', novalidate: true, 'aria-label': 'Upload a file' },
    slot.element,
    h('div', {}, dropzone, h('div', { class: 'mt-2' }, chosen, fileError)),
    h('div', { class: 'grid gap-4 sm:grid-cols-2' },
      field({ label: 'Category', control: category, name: 'category' }),
      field({ label: 'Record date', control: recordDate, name: 'recordDate', hint: 'When the document was issued (optional).' })),
    field({ label: 'Description', control: description, name: 'description', hint: 'Optional, for example "Blood panel, annual check-up".' }),
    h('div', { class: 'flex flex-wrap items-center gap-3' }, submit),
    progressPanel);

  const showChosen = () => {
    const file = fileInput.files?.[0];
    chosen.textContent = file ? `${file.name} · ${formatBytes(file.size)}` : 'No file chosen';
    if (file) setFieldError(fileInput, null);
  };
  fileInput.addEventListener('change', showChosen);

  for (const type of ['dragenter', 'dragover']) {
    dropzone.addEventListener(type, (event) => {
      event.preventDefault();
      dropzone.classList.add('is-dragging');
    });
  }
  for (const type of ['dragleave', 'drop']) {
    dropzone.addEventListener(type, () => dropzone.classList.remove('is-dragging'));
  }
  dropzone.addEventListener('drop', (event) => {
    event.preventDefault();
    if (event.dataTransfer?.files?.length) {
      fileInput.files = event.dataTransfer.files;
      showChosen();
    }
  });

  let upload = null;
  cancel.addEventListener('click', () => upload?.cancel());

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    slot.clear();
    clearFieldErrors(form);
    const file = fileInput.files?.[0];
    if (!file) {
      setFieldError(fileInput, 'Choose a file to upload.');
      slot.show('error', 'Choose a file to upload.');
      fileInput.focus();
      return;
    }
    if (file.size === 0) {
      setFieldError(fileInput, 'This file is empty.');
      slot.show('error', 'This file is empty. Choose another one.');
      return;
    }

    progress.value = 0;
    progressText.textContent = `Uploading ${file.name}…`;
    progressPanel.hidden = false;
    cancel.hidden = false;
    submit.disabled = true;
    upload = api.uploadFile(
      { file, category: category.value, description: description.value.trim(), recordDate: recordDate.value, patientId },
      {
        onProgress(loaded, total) {
          const percent = Math.floor((loaded / total) * 100);
          progress.value = percent;
          progressText.textContent = `${percent}% · ${formatBytes(loaded)} of ${formatBytes(total)}`;
        },
        onSent() {
          progress.value = 100;
          progressText.textContent = '100% sent · encrypting and recording in the ledger…';
        },
      });
    try {
      const stored = await upload.promise;
      progress.value = 100;
      progressText.textContent = `Upload complete: ${stored.fileName} (${categoryLabel(stored.category)}).`;
      cancel.hidden = true;
      form.reset();
      showChosen();
      toast(`Uploaded ${stored.fileName}.`);
      onUploaded?.(stored);
    } catch (error) {
      cancel.hidden = true;
      if (error instanceof api.UploadCancelled) {
        progressPanel.hidden = true;
        slot.show('info', 'Upload cancelled. Nothing was stored.');
        return;
      }
      progressPanel.hidden = true;
      if (error instanceof api.ApiError && error.status === 0) {
        slot.show('error', 'The upload was interrupted. If the file is very large it may be over the server\'s upload limit; otherwise check your connection and try again.');
        return;
      }
      if (error instanceof api.ApiError && [400, 413, 415].includes(error.status) && !Object.keys(error.errors).length) {
        setFieldError(fileInput, null);
      }
      showFormError(form, slot, error, {
        tooLarge: `${file.name} is too large: it is over this server's upload limit.`,
        unsupported: `${file.name} is not a type MediVault accepts. Upload a PDF, PNG, JPEG, DICOM or plain-text file whose extension matches its content.`,
      });
    } finally {
      submit.disabled = false;
      upload = null;
    }
  });

  return {
    element: form,
    cancel: () => upload?.cancel(),
  };
}

function uploadIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'h-8 w-8 text-brand-700');
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '1.8');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('stroke-linecap', 'round');
  path.setAttribute('stroke-linejoin', 'round');
  path.setAttribute('d', 'M12 16V4m0 0-4 4m4-4 4 4M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2');
  svg.append(path);
  return svg;
}
