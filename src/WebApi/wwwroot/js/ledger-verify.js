// Checks the ledger's signed checkpoints, receipts and consistency proofs in the browser, with WebCrypto only
// (SHA-256 and Ed25519), the same way docs/verify-receipt.mjs does offline. Formats: docs/ledger.md.

const encoder = new TextEncoder();
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
};
const sha256 = async (...parts) => new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const leafHash = (entry) => sha256(Uint8Array.of(0), entry);
const nodeHash = (left, right) => sha256(Uint8Array.of(1), left, right);

/** Parses a verifier key `name+keyid+base64(0x01 ‖ key)`; throws on anything else. */
export async function parseVerifierKey(vkey) {
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  const name = vkey.slice(0, first);
  const keyId = vkey.slice(first + 1, second);
  const blob = fromBase64(vkey.slice(second + 1).trim());
  if (first <= 0 || second < 0 || blob.length !== 33 || blob[0] !== 1) throw new Error('Not an Ed25519 verifier key.');
  const id = (await sha256(encoder.encode(`${name}\n`), Uint8Array.of(1), blob.slice(1))).slice(0, 4);
  if ([...id].map((b) => b.toString(16).padStart(2, '0')).join('') !== keyId) throw new Error('The key id does not match the key.');
  const key = await crypto.subtle.importKey('raw', blob.slice(1), { name: 'Ed25519' }, false, ['verify']);
  return { name, keyId: id, key };
}

/** Verifies a signed checkpoint note; returns `{ origin, size, root }` or throws. */
export async function verifyCheckpoint(note, verifier) {
  const split = note.lastIndexOf('\n\n');
  const text = note.slice(0, split + 1);
  const prefix = `— ${verifier.name} `;
  let signed = false;
  for (const line of note.slice(split + 2).split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const sig = fromBase64(line.slice(prefix.length));
    if (sig.length === 68 && equal(sig.slice(0, 4), verifier.keyId) &&
        await crypto.subtle.verify({ name: 'Ed25519' }, verifier.key, sig.slice(4), encoder.encode(text))) signed = true;
  }
  if (!signed) throw new Error('The checkpoint is not signed by the pinned key.');
  const [origin, size, root] = text.split('\n');
  return { origin, size: BigInt(size), root: fromBase64(root) };
}

/** RFC 9162 §2.1.3.2. */
async function verifyInclusion(index, size, leaf, proof, root) {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n && equal(r, root);
}

/** RFC 9162 §2.1.4.2: the tree of size1 is a prefix of the tree of size2. */
export async function verifyConsistency(size1, size2, proof, root1, root2) {
  if (size1 === size2) return proof.length === 0 && equal(root1, root2);
  if (size1 <= 0n || size2 < size1 || proof.length === 0) return false;
  const path = (size1 & (size1 - 1n)) === 0n ? [root1, ...proof] : [...proof];
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  while ((fn & 1n) === 1n) { fn >>= 1n; sn >>= 1n; }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if ((fn & 1n) === 0n) while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n && equal(fr, root1) && equal(sr, root2);
}

/** Checks a C2SP tlog-proof receipt against the pinned key; returns `{ index, size, payloadHash }` or throws. */
export async function verifyReceipt(receipt, verifier) {
  const lines = receipt.split('\n');
  if (lines[0] !== 'c2sp.org/tlog-proof@v1' || !lines[1]?.startsWith('extra ') || !lines[2]?.startsWith('index ')) {
    throw new Error('Not a c2sp.org/tlog-proof@v1 receipt.');
  }
  const entry = fromBase64(lines[1].slice(6));
  const index = BigInt(lines[2].slice(6));
  const blank = lines.indexOf('', 3);
  const proof = lines.slice(3, blank).map(fromBase64);
  const checkpoint = await verifyCheckpoint(lines.slice(blank + 1).join('\n'), verifier);
  if (!await verifyInclusion(index, checkpoint.size, await leafHash(entry), proof, checkpoint.root)) {
    throw new Error('The inclusion proof does not lead to the signed root.');
  }
  return { index, size: checkpoint.size, payloadHash: new TextDecoder().decode(entry).split('\n')[5] };
}
