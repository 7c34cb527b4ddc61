// Which realm the page shows: the picker of a master-realm admin (the realm they picked last in this browser, never
// master and never a guess) or the page's own realm, and what a switch loads again: settings, users, send caps.

import { t } from "./i18n.js";
import { CapsSection } from "./caps.js";
import { $, h, live, showAlert, clearAlert } from "./dom.js";
import { state, newUsersPage, realmPath } from "./state.js";
import { api, explain, later } from "./session.js";
import { readiness, loadSettings, clearFieldErrors } from "./settings.js";
import { loadUsers } from "./users.js";

const REALM_CHOICE = "twofactor-admin.realm";

export const caps = new CapsSection({ api, realmPath, describe: (e) => explain(e) });

export async function loadRealms() {
  let realms;
  try {
    realms = await api.get("?briefRepresentation=true");
  } catch (e) {
    const error = later(e);
    showAlert($("global-alert"), "danger", () => t("errLoadRealms", { error: error() }));
    return;
  }
  const names = (realms || []).map((r) => r.realm).filter(Boolean);
  if (!names.length) {
    showAlert($("global-alert"), "warning", () => t("noRealms"));
    for (const card of ["settings-card", "sessions-card", "users-card", "caps-card"]) {
      $(card).hidden = true;
    }
    return;
  }
  const select = $("realm-select");
  select.replaceChildren(...names.map((name) => {
    const r = realms.find((x) => x.realm === name);
    const label = r.displayName && r.displayName !== name ? `${r.displayName} (${name})` : name;
    return h("option", { value: name }, label);
  }));
  // the realm the admin picked last in this browser, never master and never a guess: without one, they pick
  let chosen = null;
  try {
    chosen = localStorage.getItem(REALM_CHOICE);
  } catch (e) {
    // none
  }
  const fromUrl = new URLSearchParams(location.search).get("realm");
  if (fromUrl && names.includes(fromUrl)) {
    chosen = fromUrl;
  } else if (chosen === "master" || !names.includes(chosen)) {
    chosen = null;
  }
  $("realm-picker").hidden = false;
  if (!chosen) {
    const option = h("option", { value: "", id: "realm-choose", disabled: true });
    select.prepend(live(option, () => {
      option.textContent = t("realmChoose");
    }));
    askForRealm();
    return;
  }
  select.value = chosen;
  await selectRealm(chosen);
}

/** No realm yet: the picker asks, and nothing of any realm is shown or editable. */
function askForRealm() {
  const select = $("realm-select");
  select.value = "";
  state.realm = null;
  for (const card of ["settings-card", "sessions-card", "users-card", "caps-card", "support-card"]) {
    $(card).hidden = true;
  }
  showAlert($("global-alert"), "info", () => t("realmChooseText"), null, "realm-choose-message");
  renderMastheadRealm();
  document.body.dataset.state = "ready";
  select.focus();
}

export function renderMastheadRealm() {
  $("masthead-realm").textContent = state.realm ? t("realmLabel", { realm: state.realm })
    : (!$("realm-picker").hidden ? t("realmNone") : "");
}

export async function selectRealm(name) {
  document.body.dataset.state = "app";
  state.realm = name;
  state.settings = null;
  state.users = newUsersPage();
  readiness.forget();
  $("user-search").value = "";
  renderMastheadRealm();
  const choose = $("realm-choose");
  if (choose) {
    choose.remove();
  }
  for (const card of ["settings-card", "sessions-card", "users-card", "caps-card"]) {
    $(card).hidden = false;
  }
  for (const area of ["global-alert", "settings-error", "save-status", "deauthorize-status", "users-status", "support-alert"]) {
    clearAlert($(area));
  }
  clearFieldErrors();
  await Promise.all([loadSettings(), loadUsers(), caps.load()]);
  document.body.dataset.state = "ready";
}

export function wireRealms() {
  $("realm-select").addEventListener("change", (e) => {
    try {
      localStorage.setItem(REALM_CHOICE, e.target.value);
    } catch (err) {
      // not remembered
    }
    selectRealm(e.target.value);
  });
  caps.wire();
}
