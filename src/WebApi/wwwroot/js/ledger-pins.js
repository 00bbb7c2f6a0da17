// What the Ledger page remembers between visits: the log's verifier key (pinned on the first visit) and the last
// checkpoint it saw. Kept in IndexedDB; public values only (a key and a signed checkpoint), never a token.
const DATABASE = 'medivault-ledger';
const STORE = 'pins';

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const request = action(db.transaction(STORE, mode).objectStore(STORE));
      request.onsuccess = () => resolve(request.result ?? null);
      request.onerror = () => reject(request.error);
    });
  } finally {
    db.close();
  }
}

export const readPin = (name) => run('readonly', (store) => store.get(name));
export const writePin = (name, value) => run('readwrite', (store) => store.put(value, name));
