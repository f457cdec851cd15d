// Share links: #case=<base64url of the UTF-8 JSON of the case>[&text=large].
// The fragment never reaches a server, so a shared case stays between the people who share it.

export function encodeCase(obj) {
  const bytes = new TextEncoder().encode(JSON.stringify(obj));
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeCase(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

/** Reads the fragment: { case: object|null, caseError: bool, large: bool }. */
export function readHash(hash = location.hash) {
  const out = { case: null, caseError: false, large: false };
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const val = eq < 0 ? '' : part.slice(eq + 1);
    if (key === 'case' && val) {
      try {
        out.case = decodeCase(val);
      } catch {
        out.caseError = true;
      }
    } else if (key === 'text' && val === 'large') {
      out.large = true;
    }
  }
  return out;
}

export function buildHash(caseObj, large) {
  const parts = [];
  if (caseObj) parts.push('case=' + encodeCase(caseObj));
  if (large) parts.push('text=large');
  return parts.length ? '#' + parts.join('&') : '';
}
