// The Security page's small DOM helpers: elements built with text only (never parsed HTML), icons, banners that
// follow the language, and the modal confirmation. No state of the page beyond the set of translated elements.

import { t } from "./i18n.js";

export const $ = (id) => document.getElementById(id);

/** The checked input of a radio group (by its name), or null. */
export const checkedIn = (name) => document.querySelector("input[name=" + name + "]:checked");

/** A DOM element; text is always set as text, never parsed as HTML. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    if (name === "class") {
      el.className = value;
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else if (name.startsWith("on")) {
      el.addEventListener(name.slice(2), value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";
export function icon(kind) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon icon-" + kind);
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", kind === "check"
    ? "M6.2 11.6 2.6 8l1.2-1.2 2.4 2.4 6-6L13.4 4.4z"
    : "M8 1a7 7 0 1 0 0 14A7 7 0 0 0 8 1zm0 2a5 5 0 1 1 0 10A5 5 0 0 1 8 3z");
  svg.append(path);
  return svg;
}

/** Elements whose words are written again when the language changes (banners, field errors, notes). */
const retranslated = new Set();

/** Writes an element's words now and again after every language switch; text may be a string or () => string. */
export function live(el, render) {
  el.twofactorRender = render;
  retranslated.add(el);
  render();
  return el;
}

/** The element's words are no longer written again (a field error that was cleared). */
export function unlive(el) {
  retranslated.delete(el);
}

export const words = (text) => (typeof text === "function" ? text() : text);

export function retranslateAll() {
  for (const el of [...retranslated]) {
    if (document.contains(el)) {
      el.twofactorRender();
    } else {
      retranslated.delete(el);
    }
  }
}

/** A banner that can be closed; title and detail may be functions, asked again when the language changes. */
export function alertBox(kind, title, detail, id) {
  const titleEl = h("p", { class: "alert-title", id: id || null });
  const detailEl = detail ? h("p", { class: "alert-detail" }) : null;
  const close = h("button", { type: "button", class: "alert-close" }, "×");
  const box = h("div", { class: "alert alert-" + kind, role: kind === "danger" ? "alert" : "status" },
    h("span", { class: "alert-icon", "aria-hidden": "true" }),
    h("div", { class: "alert-content" }, titleEl, detailEl),
    close);
  close.addEventListener("click", () => {
    const card = box.closest("section, .card") || $("main");
    box.remove();
    // the keyboard stays in the card it was in, not at the top of the page
    const heading = card.querySelector("h1, h2");
    (heading || card).setAttribute("tabindex", "-1");
    (heading || card).focus();
  });
  return live(box, () => {
    titleEl.textContent = words(title);
    if (detailEl) {
      detailEl.textContent = words(detail);
    }
    close.setAttribute("aria-label", t("closeAlert"));
    close.title = t("closeAlert");
  });
}

export function showAlert(area, kind, title, detail, id) {
  area.replaceChildren(alertBox(kind, title, detail, id));
}

export function clearAlert(area) {
  area.replaceChildren();
}

/** A modal confirmation; resolves true for OK. Focus starts on Cancel and returns to the opener. */
export function confirmDialog({ title, text, ok, danger }) {
  const dialog = $("confirm-dialog");
  $("confirm-title").textContent = words(title);
  $("confirm-text").textContent = words(text);
  const okButton = $("confirm-ok");
  okButton.textContent = ok || t("ok");
  okButton.className = "btn " + (danger ? "btn-danger" : "btn-primary");
  const opener = document.activeElement;
  return new Promise((resolve) => {
    dialog.returnValue = "";
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok");
      if (opener && typeof opener.focus === "function" && document.contains(opener)) {
        opener.focus();
      }
    }, { once: true });
    dialog.showModal();
    $("confirm-cancel").focus();
  });
}
