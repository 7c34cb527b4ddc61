// The settings card of the Security page: the realm's method, code rules, allowed addresses, phone settings and
// trusted networks as one form, saved with one PUT; the server validates and its refusals are shown at the field.
// The method's readiness count and the support access card follow the saved settings.

import { t, language } from "./i18n.js";
import { ApiError } from "./api.js";
import { loadRegions, fillPhoneSettings, readPhoneSettings, wirePhoneSettings } from "./phones.js";
import { SupportSection } from "./support.js";
import { MethodReadiness } from "./readiness.js";
import { fillCapsSettings, readCapsSettings } from "./caps.js";
import { $, checkedIn, live, unlive, words, showAlert, clearAlert, confirmDialog } from "./dom.js";
import { state, realmPath } from "./state.js";
import { api, later } from "./session.js";

const NUMBER_FIELDS = ["codeLength", "codeTtlSeconds", "resendCooldownSeconds", "maxResends", "maxCodeAttempts", "lockoutSeconds"];
const METHODS = ["none", "email", "totp", "sms"];

export const readiness = new MethodReadiness({ api, realmPath, settings: () => state.settings, realm: () => state.realm });
// support.js shows its banners through dom.js's alertBox; a function as text is asked again when the language changes
const support = new SupportSection({ api, realmPath, describe: (e) => later(e) });

function setFormEnabled(enabled) {
  for (const el of $("settings-form").elements) {
    if (el.id !== "smsActivated" && el.id !== "method-sms") {
      el.disabled = !enabled;
    }
  }
}

export async function loadSettings() {
  const card = $("settings-card");
  card.setAttribute("aria-busy", "true");
  try {
    [state.settings] = await Promise.all([api.get(realmPath() + "/twofactor/settings"), loadRegions(api, realmPath())]);
    fillSettings(state.settings);
    setFormEnabled(true);
  } catch (e) {
    setFormEnabled(false);
    const error = later(e);
    showAlert($("settings-error"), "danger", () => t("errLoadSettings", { error: error() }));
  } finally {
    card.removeAttribute("aria-busy");
  }
}

function formatInstant(iso) {
  try {
    return new Intl.DateTimeFormat(language(), { dateStyle: "long", timeStyle: "short" }).format(new Date(iso));
  } catch (e) {
    return iso;
  }
}

export function fillSettings(s) {
  support.render(s, state.realm);
  if (!s) {
    return;
  }
  for (const m of METHODS) {
    $("method-" + m).checked = s.method === m;
  }
  const reason = $("sms-reason");
  reason.hidden = !!s.smsAvailable;
  // the reader decides the advice: a master-realm admin activates SMS themselves, with the box below
  reason.textContent = s.smsAvailable ? "" : (s.smsActivated ? t("smsNoGateway")
    : (state.isMaster ? t("smsNotActivatedMaster") : t("smsNotActivated")));
  for (const f of NUMBER_FIELDS) {
    $(f).value = s[f] ?? "";
  }
  $("allowAppOptIn").checked = !!s.allowAppOptIn;
  $("ipAllowlist").value = (s.ipAllowlist || []).join("\n");
  fillPhoneSettings(s);
  fillCapsSettings(s);
  const activated = $("smsActivated");
  activated.checked = !!s.smsActivated;
  activated.disabled = !state.isMaster;
  syncSmsChoice();
  $("sms-activated-note").textContent = state.isMaster ? t("smsActivatedMaster") : t("smsActivatedRealmAdmin");
  readiness.render();
  const first = $("firstEnabledAt");
  first.textContent = s.firstEnabledAt ? formatInstant(s.firstEnabledAt) : t("never");
  if (s.firstEnabledAt) {
    first.setAttribute("title", s.firstEnabledAt);
    first.dataset.value = s.firstEnabledAt;
  } else {
    first.removeAttribute("title");
    delete first.dataset.value;
  }
}

/** SMS can be picked when it is available, or, by a master-realm admin, together with ticking its activation. */
function syncSmsChoice() {
  const s = state.settings;
  if (!s) {
    return;
  }
  const activating = state.isMaster && !s.smsActivated && $("smsActivated").checked;
  $("method-sms").disabled = !s.smsAvailable && !activating && s.method !== "sms";
}

export function readForm() {
  const body = {};
  const checked = checkedIn("method");
  body.method = checked ? checked.value : (state.settings ? state.settings.method : "none");
  for (const f of NUMBER_FIELDS) {
    const raw = $(f).value.trim();
    // the server validates; anything that is not a whole number goes as it is, and its answer is shown
    body[f] = /^-?\d+$/.test(raw) ? Number(raw) : (raw === "" ? null : raw);
  }
  body.allowAppOptIn = $("allowAppOptIn").checked;
  body.ipAllowlist = $("ipAllowlist").value.split(/[\n,;]+/).map((x) => x.trim()).filter(Boolean);
  readPhoneSettings(body);
  readCapsSettings(body);
  if (state.isMaster) {
    body.smsActivated = $("smsActivated").checked;
  }
  return body;
}

function fieldInput(field) {
  if (field === "method") {
    return checkedIn("method") || $("method-none");
  }
  return $(field);
}

export function clearFieldErrors() {
  for (const el of document.querySelectorAll("#settings-form .field-error")) {
    el.hidden = true;
    el.textContent = "";
    unlive(el);
  }
  for (const el of document.querySelectorAll("#settings-form [aria-invalid]")) {
    el.removeAttribute("aria-invalid");
  }
  $("method-group").classList.remove("has-error");
}

function showFieldError(field, message) {
  const box = $("err-" + field);
  const input = fieldInput(field);
  if (!box || !input) {
    return false;
  }
  live(box, () => {
    box.textContent = words(message);
  });
  box.hidden = false;
  if (field === "method") {
    $("method-group").classList.add("has-error");
  } else {
    input.setAttribute("aria-invalid", "true");
  }
  input.focus();
  return true;
}

async function save(event) {
  event.preventDefault();
  clearFieldErrors();
  clearAlert($("save-status"));
  clearAlert($("settings-error"));
  const before = state.settings;
  const body = readForm();
  const firstEnablement = before && !before.firstEnabledAt && before.method === "none" && body.method !== "none";
  if (firstEnablement) {
    const ok = await confirmDialog({
      title: t("firstEnableTitle"),
      text: t("firstEnableText"),
      ok: t("firstEnableOk"),
      danger: true
    });
    if (!ok) {
      return;
    }
  }
  const button = $("save");
  button.disabled = true;
  button.textContent = t("saving");
  try {
    const saved = await api.put(realmPath() + "/twofactor/settings", body);
    state.settings = saved;
    readiness.forget();
    fillSettings(saved);
    const deauthorized = saved.deauthorized;
    const text = () => (typeof deauthorized === "number" ? t("savedDeauthorized", { count: deauthorized }) : t("saved"));
    const notReady = saved.notReady;
    const notReadyKey = saved.method === "sms" ? "savedNotReadySms" : saved.method === "email" ? "savedNotReadyEmail" : null;
    const detail = notReadyKey && notReady > 0 ? () => t(notReadyKey, { count: notReady }) : null;
    showAlert($("save-status"), notReady > 0 && notReadyKey ? "warning" : "success", text, detail, "save-message");
  } catch (e) {
    const message = later(e);
    const placed = e instanceof ApiError && e.field ? showFieldError(e.field, message) : false;
    showAlert($("save-status"), "danger", () => t("fixErrors", { error: message() }), null, "save-message");
    if (!placed) {
      button.focus();
    }
  } finally {
    button.disabled = false;
    button.textContent = t("save");
  }
}

export function wireSettings() {
  $("settings-form").addEventListener("submit", save);
  $("method-group").addEventListener("change", () => readiness.update());
  $("smsActivated").addEventListener("change", syncSmsChoice);
  wirePhoneSettings();
  $("revert").addEventListener("click", () => {
    clearFieldErrors();
    clearAlert($("save-status"));
    fillSettings(state.settings);
    readiness.render();
  });
  support.wire();
}
