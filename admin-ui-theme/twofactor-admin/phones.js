// Phone settings of the Security page: the default region of numbers typed without "+", and the SMS countries,
// picked from the phone library's regions (served by the server with their calling codes; names from the
// browser's Intl.DisplayNames in the page's language, nothing loaded from elsewhere).

import { t, language } from "./i18n.js";
import { $, h } from "./dom.js";

let regions = []; // [{ region: "RU", callingCode: 7 }]
let chosen = []; // the SMS countries as edited, in the order picked

function regionName(code) {
  try {
    return new Intl.DisplayNames([language()], { type: "region" }).of(code) || code;
  } catch (e) {
    return code;
  }
}

function label(r) {
  return regionName(r.region) + " (+" + r.callingCode + ", " + r.region + ")";
}

function byName(a, b) {
  return regionName(a.region).localeCompare(regionName(b.region), language());
}

/** Loads the regions once per page. */
export async function loadRegions(api, realmPath) {
  if (regions.length === 0) {
    regions = (await api.get(realmPath + "/twofactor/phone-regions")).regions || [];
  }
}

function renderRegionSelect(value) {
  const select = $("defaultPhoneRegion");
  select.replaceChildren(h("option", { value: "" }, t("defaultPhoneRegionNone")));
  for (const r of [...regions].sort(byName)) {
    select.append(h("option", { value: r.region }, label(r)));
  }
  select.value = value || "";
}

function renderChosen() {
  const box = $("smsCountries-chosen");
  box.replaceChildren();
  if (chosen.length === 0) {
    box.append(h("span", { class: "muted", id: "smsCountries-any" }, t("smsCountriesAny")));
  }
  for (const code of chosen) {
    const r = regions.find((x) => x.region === code) || { region: code, callingCode: "?" };
    const chip = h("span", { class: "chip", "data-region": code }, label(r) + " ");
    const remove = h("button", { type: "button", class: "chip-remove", "data-region": code,
      "aria-label": t("smsCountriesRemove", { country: regionName(code) }) }, "×");
    chip.append(remove);
    box.append(chip);
  }
}

function renderOptions() {
  const query = $("smsCountries").value.trim().toLocaleLowerCase(language());
  const list = $("smsCountries-options");
  list.replaceChildren();
  const digits = query.replace(/^\+/, "");
  const matches = [...regions].sort(byName).filter((r) => !query
    || label(r).toLocaleLowerCase(language()).includes(query)
    || (/^\d+$/.test(digits) && String(r.callingCode).startsWith(digits)));
  for (const r of matches) {
    const id = "sms-country-" + r.region;
    const row = h("li", { class: "checkbox country-option" });
    const box = h("input", { type: "checkbox", id, value: r.region });
    box.checked = chosen.includes(r.region);
    row.append(box, h("label", { for: id }, label(r)));
    list.append(row);
  }
  if (matches.length === 0) {
    list.append(h("li", { class: "muted" }, t("smsCountriesNoMatch")));
  }
}

/** Fills the phone fields from the settings (also after a language switch). */
export function fillPhoneSettings(s) {
  if (!s || !$("defaultPhoneRegion")) {
    return;
  }
  renderRegionSelect(s.defaultPhoneRegion);
  chosen = [...(s.smsCountries || [])];
  renderChosen();
  renderOptions();
}

/** Adds the phone fields to a settings PUT body. */
export function readPhoneSettings(body) {
  body.defaultPhoneRegion = $("defaultPhoneRegion").value;
  body.smsCountries = [...chosen];
  return body;
}

export function wirePhoneSettings() {
  $("smsCountries").addEventListener("input", renderOptions);
  // Enter in the search field picks the single match instead of submitting the whole form
  $("smsCountries").addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      const boxes = document.querySelectorAll("#smsCountries-options input[type=checkbox]");
      if (boxes.length === 1) {
        boxes[0].click();
      }
    }
  });
  $("smsCountries-options").addEventListener("change", (e) => {
    const code = e.target.value;
    chosen = e.target.checked ? [...chosen.filter((c) => c !== code), code] : chosen.filter((c) => c !== code);
    renderChosen();
  });
  $("smsCountries-chosen").addEventListener("click", (e) => {
    const button = e.target.closest("button.chip-remove");
    if (button) {
      chosen = chosen.filter((c) => c !== button.dataset.region);
      renderChosen();
      renderOptions();
      $("smsCountries").focus();
    }
  });
}

/** A stored number the realm's rules refuse: a warning line for the users table, or null. */
export function phoneProblemNote(user) {
  if (!user.phoneProblem) {
    return null;
  }
  const text = t("phoneProblem_" + user.phoneProblem);
  const note = h("span", { class: "phone-problem", role: "note", "data-problem": user.phoneProblem },
    "⚠ " + (text === "phoneProblem_" + user.phoneProblem ? user.phoneProblemText : text));
  note.title = user.phoneProblemText || "";
  return note;
}
