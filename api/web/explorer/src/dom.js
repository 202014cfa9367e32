// A few helpers to build the page from plain DOM: no framework, each view renders itself into <main> anew.

// h("a", {href: "#/x", class: "y", onclick: fn}, "text", child, ...): an element with attributes and children.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// A stored name (an enterprise's, a product's, a person's): shown as stored, in any language; marked so the
// language test can tell it from the page's own labels.
export function stored(text, tag = "span") {
  return h(tag, { class: "stored", lang: /[\u4e00-\u9fff]/.test(text || "") ? "zh-CN" : null }, text ?? "");
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// A table from column definitions [{label, cell: row => node|string, num: bool}] and rows.
export function table(columns, rows, { caption, className } = {}) {
  return h(
    "table",
    { class: className || "grid" },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : null }, c.label)))),
    h(
      "tbody",
      {},
      rows.map((row) => h("tr", {}, columns.map((c) => h("td", { class: c.num ? "num" : null }, c.cell(row))))),
    ),
  );
}

// Rows shown a page at a time ("more" adds the next page): long consignee and exposure lists stay quick to draw.
export function pagedTable(columns, rows, { pageSize = 50, caption, moreLabel, className } = {}) {
  const box = h("div", { class: "paged" });
  let shown = 0;
  const tbl = table(columns, [], { caption, className });
  const body = tbl.querySelector("tbody");
  const more = h("button", { type: "button", class: "more" }, "");
  const draw = () => {
    const next = rows.slice(shown, shown + pageSize);
    for (const row of next) body.append(h("tr", {}, columns.map((c) => h("td", { class: c.num ? "num" : null }, c.cell(row)))));
    shown += next.length;
    more.textContent = moreLabel(rows.length - shown);
    more.hidden = shown >= rows.length;
  };
  more.addEventListener("click", draw);
  draw();
  box.append(tbl, more);
  return box;
}

export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
