// A patient's files: category filter, search, paging, download, integrity badge, delete (owner only).
import * as api from '../medivault-api.js';
import { h, replace, uid } from '../dom.js';
import { CATEGORIES, categoryLabel, formatBytes, formatDate, formatDateTime } from '../format.js';
import { badge, confirmDialog, describeError, emptyState, loading, messageSlot, pager, toast } from '../ui.js';
import { canPreview, openPreview } from './preview.js';

const PAGE_SIZE = 10;
/** Files up to this size are verified as soon as they are listed; bigger ones on request (verify re-reads them whole). */
const AUTO_VERIFY_MAX_BYTES = 50 * 1024 * 1024;

/** options: { patientId, canDelete, emptyText } */
export function fileList({ patientId, canDelete = false, emptyText = 'No files yet.' }) {
  const slot = messageSlot();
  const state = { page: 1, category: '', q: '' };
  let generation = 0;

  const category = h('select', { class: 'input', id: uid('filter-category'), name: 'category' },
    h('option', { value: '', text: 'All categories' }),
    CATEGORIES.map(([value, label]) => h('option', { value, text: label })));
  const search = h('input', { class: 'input', type: 'search', id: uid('filter-search'), name: 'q', placeholder: 'File name or description' });
  const filters = h('form', { class: 'mb-4 grid gap-3 sm:grid-cols-[12rem_1fr_auto] sm:items-end', role: 'search', 'aria-label': 'Filter files' },
    h('div', {}, h('label', { class: 'field-label', for: category.id, text: 'Category' }), category),
    h('div', {}, h('label', { class: 'field-label', for: search.id, text: 'Search' }), search),
    h('button', { type: 'submit', class: 'btn btn-secondary', text: 'Search' }));
  const results = h('div', { 'aria-live': 'polite', 'aria-busy': 'false' });
  const element = h('div', {}, filters, slot.element, results);

  category.addEventListener('change', () => {
    state.category = category.value;
    state.page = 1;
    load();
  });
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    state.q = search.value.trim();
    state.page = 1;
    load();
  });

  async function load() {
    generation += 1;
    const mine = generation;
    results.setAttribute('aria-busy', 'true');
    replace(results, loading('Loading files…'));
    let paged;
    try {
      paged = await api.listFiles(patientId, { category: state.category, q: state.q, page: state.page, pageSize: PAGE_SIZE });
    } catch (error) {
      if (mine !== generation) return;
      results.setAttribute('aria-busy', 'false');
      replace(results);
      slot.show('error', describeError(error));
      return;
    }
    if (mine !== generation) return;
    slot.clear();
    results.setAttribute('aria-busy', 'false');
    if (paged.totalCount === 0) {
      replace(results, emptyState(state.category || state.q ? 'No files match this filter.' : emptyText));
      return;
    }
    if (paged.items.length === 0 && state.page > 1) {
      state.page -= 1;
      load();
      return;
    }
    const rows = paged.items.map((file) => fileRow(file));
    replace(results,
      h('ul', { class: 'divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white', 'aria-label': 'Files' }, rows.map((row) => row.element)),
      pager(paged, (page) => {
        state.page = page;
        load();
      }, 'file'));
    verifyInTurn(rows.filter((row) => row.file.sizeBytes <= AUTO_VERIFY_MAX_BYTES), mine);
  }

  async function verifyInTurn(rows, mine) {
    for (const row of rows) {
      if (mine !== generation) return;
      await row.verify();
    }
  }

  function fileRow(file) {
    const integrity = h('span', { class: 'inline-flex' });
    const verifyButton = h('button', { type: 'button', class: 'btn btn-secondary btn-small', text: 'Verify integrity' });
    replace(integrity, file.sizeBytes <= AUTO_VERIFY_MAX_BYTES ? badge('slate', 'Checking…') : verifyButton);

    async function verify() {
      replace(integrity, badge('slate', 'Checking…'));
      try {
        const result = await api.verifyFile(file.id);
        replace(integrity, result.intact && result.ledgerIntact
          ? badge('green', '✓ Verified')
          : badge('red', result.intact ? '✗ Ledger entry broken' : '✗ Content altered'));
      } catch (error) {
        replace(integrity, badge('amber', 'Not verified'));
        integrity.title = describeError(error);
      }
    }
    verifyButton.addEventListener('click', verify);

    const headingId = uid('file');
    const download = h('a', {
      href: api.downloadUrl(file.id),
      download: file.fileName,
      class: 'btn btn-secondary btn-small',
      'aria-describedby': headingId,
      text: 'Download',
    });
    const preview = canPreview(file)
      ? h('button', { type: 'button', class: 'btn btn-secondary btn-small', 'aria-describedby': headingId, text: 'Preview', onClick: () => openPreview(file) })
      : null;
    const actions = h('div', { class: 'flex flex-wrap items-center gap-2' }, preview, download);
    if (canDelete) {
      actions.append(h('button', {
        type: 'button',
        class: 'btn btn-danger-outline btn-small',
        'aria-describedby': headingId,
        text: 'Delete',
        onClick: () => remove(file),
      }));
    }

    const details = [
      file.recordDate ? `Dated ${formatDate(file.recordDate)}` : null,
      formatBytes(file.sizeBytes),
      `Uploaded ${formatDateTime(file.uploadedAt)}`,
    ].filter(Boolean);

    // Side by side only from 1024px: at 768px the side bar leaves the list too narrow for the name, badges and actions.
    const element = h('li', { class: 'flex flex-col gap-3 p-4 lg:flex-row lg:items-start lg:justify-between', dataset: { fileId: file.id } },
      h('div', { class: 'min-w-0 flex-1' },
        h('div', { class: 'flex flex-wrap items-center gap-2' },
          h('h3', { id: headingId, class: 'text-sm font-semibold break-all text-slate-900', text: file.fileName }),
          badge('blue', categoryLabel(file.category)),
          file.uploadedById && file.uploadedById !== file.ownerId ? badge('slate', file.uploadedByName ? `Added by ${file.uploadedByName}` : 'Added by a doctor') : null),
        file.description ? h('p', { class: 'mt-1 text-sm text-slate-700 break-words', text: file.description }) : null,
        h('p', { class: 'mt-1 text-xs text-slate-600', text: details.join(' · ') }),
        h('p', { class: 'mt-2 flex flex-wrap items-center gap-2 text-xs text-slate-600' }, 'Integrity:', integrity,
          file.ledgerIndex !== undefined && file.ledgerIndex !== null ? h('span', { text: `ledger block #${file.ledgerIndex}` }) : null)),
      actions);
    return { file, element, verify };
  }

  async function remove(file) {
    const confirmed = await confirmDialog({
      title: 'Delete this file?',
      message: `"${file.fileName}" will be removed from your vault and its content destroyed. The ledger keeps a record that it was deleted. This cannot be undone.`,
      confirmText: 'Delete file',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await api.deleteFile(file.id);
      toast(`Deleted ${file.fileName}.`);
      load();
    } catch (error) {
      slot.show('error', describeError(error));
    }
  }

  return {
    element,
    reload() {
      state.page = 1;
      return load();
    },
  };
}
