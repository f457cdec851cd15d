// Small DOM helpers shared by the editor and the settlement page (app.js predates them).

export const $ = (id) => document.getElementById(id);

/** An element with attributes (`text` sets its text, `class` its class; false and null are left
 *  out, true is an empty attribute) and children. */
export function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
}
