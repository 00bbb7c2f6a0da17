// The patient's records: upload, list, filter, search, download, verify, delete.
import { h, replace } from '../dom.js';
import { fileList } from '../components/file-list.js';
import { uploadForm } from '../components/upload-form.js';
import { card, pageHeader } from '../ui.js';

export function render(container, { user }) {
  const list = fileList({ patientId: user.id, canDelete: true, emptyText: 'Your vault is empty. Upload your first record above.' });
  const upload = uploadForm({ onUploaded: () => list.reload() });

  replace(container,
    pageHeader('Records', 'Everything is encrypted before it is stored, and every upload is sealed in the ledger.'),
    h('div', { class: 'space-y-6' },
      card('Upload a record', upload.element),
      card('Your files', list.element)));

  list.reload();
  return () => upload.cancel();
}
