// One patient, seen by a doctor with access: records, emergency profile, upload a prescription or report.
import * as api from '../medivault-api.js';
import { h, replace } from '../dom.js';
import { fileList } from '../components/file-list.js';
import { profileView } from '../components/profile-view.js';
import { uploadForm } from '../components/upload-form.js';
import { CATEGORIES } from '../format.js';
import { alertBox, card, describeError, emptyState, loading, pageHeader } from '../ui.js';

const DOCTOR_CATEGORIES = ['prescription', 'lab-report', 'imaging', 'discharge-summary', 'vaccination', 'other'];

export async function render(container, { params }) {
  const back = h('p', { class: 'mb-4 text-sm' }, h('a', { href: '#/doctor', text: '← My patients' }));
  replace(container, back, loading('Loading patient…'));

  let patient;
  try {
    patient = (await api.listMyPatients()).find((p) => p.patientId === params.patientId);
  } catch (error) {
    replace(container, back, alertBox('error', describeError(error)));
    return undefined;
  }
  if (!patient) {
    replace(container, back, pageHeader('Patient not available'),
      alertBox('warning', 'This patient has not shared records with you, or the access has ended or been revoked.'));
    return undefined;
  }
  document.title = `${patient.fullName} · MediVault`;

  const profileSlot = h('div', {}, loading('Loading emergency profile…'));
  const list = fileList({ patientId: patient.patientId, canDelete: false, emptyText: 'This patient has no files yet.' });
  const upload = uploadForm({
    patientId: patient.patientId,
    defaultCategory: 'prescription',
    categories: CATEGORIES.filter(([value]) => DOCTOR_CATEGORIES.includes(value)),
    submitText: 'Upload to patient\'s vault',
    onUploaded: () => list.reload(),
  });

  replace(container, back,
    pageHeader(patient.fullName, `${patient.email} · you can read this patient's records and add documents to them.`,
      h('a', { href: api.summaryPdfUrl(patient.patientId), download: '', class: 'btn btn-secondary', text: 'Download summary (PDF)' })),
    h('div', { class: 'space-y-6' },
      h('div', { class: 'grid gap-6 xl:grid-cols-2' },
        card('Emergency profile', profileSlot),
        card('Add a prescription or report', upload.element)),
      card('Records', list.element)));

  list.reload();
  try {
    const profile = await api.getEmergencyProfile(patient.patientId);
    replace(profileSlot, profile ? profileView(profile) : emptyState('This patient has not filled in an emergency profile.'));
  } catch (error) {
    replace(profileSlot, alertBox('error', describeError(error)));
  }
  return () => upload.cancel();
}
