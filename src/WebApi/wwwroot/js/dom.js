// Builds DOM nodes from data. Text always goes in as text (textContent / text nodes), never as HTML.

const FORBIDDEN_PROPS = new Set(['style', 'innerHTML', 'outerHTML', 'srcdoc']);
const URL_PROPS = new Set(['href', 'src', 'action', 'formaction']);
const SAFE_URL = /^(?:[#/.?]|https?:|mailto:|tel:|data:image\/(?:png|svg\+xml);|blob:)/i;

/**
 * h('button', { class: 'btn', type: 'button', onClick: handler }, 'Label', childNode, [more, children])
 * Props: class, text, dataset, on<Event> (listener); true sets an empty attribute; false/null/undefined skip.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (FORBIDDEN_PROPS.has(key) || (key.startsWith('on') && typeof value !== 'function')) {
      throw new Error(`h(): "${key}" is not allowed`);
    }
    if (key === 'class') element.className = value;
    else if (key === 'text') element.textContent = String(value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key.startsWith('on')) element.addEventListener(key.slice(2).toLowerCase(), value);
    else if (URL_PROPS.has(key) && !SAFE_URL.test(String(value))) throw new Error(`h(): unsafe URL in "${key}"`);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends strings (as text), numbers, nodes and nested arrays; skips null, undefined and false. */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces all children of a node. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

let counter = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix = 'id') {
  counter += 1;
  return `${prefix}-${counter}`;
}
