// A few DOM helpers: the UI is small enough that plain TypeScript over the DOM stays readable.

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`no element #${id}`);
  return el as T;
}

/// A labelled control: <label for=id>text <small>unit</small></label> + the control.
export function field(label: string, control: HTMLElement, unit = '', hint = ''): HTMLElement {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: control.id }, label, unit ? h('span', { class: 'unit' }, ` (${unit})`) : null),
    control,
    hint ? h('small', { class: 'hint' }, hint) : null,
  );
}

export function numberInput(id: string, value: number, min: number, max: number, step: number | 'any' = 1): HTMLInputElement {
  return h('input', { id, type: 'number', value, min, max, step, inputmode: 'decimal' });
}

export function select(id: string, options: Array<[string, string]>, value: string): HTMLSelectElement {
  const s = h('select', { id });
  for (const [v, text] of options) s.append(h('option', { value: v }, text));
  s.value = value;
  return s;
}

export function setChildren(el: HTMLElement, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

export function errorBox(message: string): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, message);
}

export function debounce(fn: () => void, ms: number): () => void {
  let timer: number | undefined;
  return () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(fn, ms);
  };
}
