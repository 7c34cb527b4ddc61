// The admin Security page: the realm's second factor, signing everybody out, and users' phones and devices.
// Plain modules, no build step; everything it shows comes from /admin/realms/{realm}/twofactor with the
// signed-in admin's own token, so Keycloak's admin roles decide what works.

import { t, pickLanguage, setLanguage, language, translatePage } from "./i18n.js";
import { Oidc, OidcError } from "./oidc.js";
import { ApiError } from "./api.js";
import { CapsSection } from "./caps.js";
import { readiness, loadSettings, fillSettings, readForm, clearFieldErrors, wireSettings } from "./settings.js";
import { loadUsers, wireUsers } from "./users.js";
import { renderUsers } from "./user-rows.js";
import { $, h, icon, live, unlive, words, retranslateAll, alertBox, showAlert, clearAlert, confirmDialog } from "./dom.js";
import { place, state, newUsersPage, realmPath, isMe } from "./state.js";
import { oidc, api, showView, showSignIn, explain, later, sessionEnded } from "./session.js";

const SIGNED_OUT = "twofactor-admin.signed-out";
const REALM_CHOICE = "twofactor-admin.realm";
const caps = new CapsSection({ api, realmPath, describe: (e) => explain(e), alertBox: (...a) => alertBox(...a) });

// ---------------------------------------------------------------------------------------------- realms

async function loadRealms() {
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
    $("settings-card").hidden = true;
    $("sessions-card").hidden = true;
    $("users-card").hidden = true;
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
  for (const card of ["settings-card", "sessions-card", "users-card", "support-card"]) {
    $(card).hidden = true;
  }
  showAlert($("global-alert"), "info", () => t("realmChooseText"), null, "realm-choose-message");
  renderMastheadRealm();
  document.body.dataset.state = "ready";
  select.focus();
}

function renderMastheadRealm() {
  $("masthead-realm").textContent = state.realm ? t("realmLabel", { realm: state.realm })
    : (!$("realm-picker").hidden ? t("realmNone") : "");
}

async function selectRealm(name) {
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
  for (const card of ["settings-card", "sessions-card", "users-card"]) {
    $(card).hidden = false;
  }
  for (const area of ["global-alert", "settings-error", "save-status", "deauthorize-status", "users-status", "support-alert"]) {
    clearAlert($(area));
  }
  clearFieldErrors();
  await Promise.all([loadSettings(), loadUsers(), caps.load()]);
  document.body.dataset.state = "ready";
}

// ---------------------------------------------------------------------------------------------- deauthorize

async function deauthorize() {
  clearAlert($("deauthorize-status"));
  const ok = await confirmDialog({
    title: t("deauthorizeConfirmTitle"),
    text: t("deauthorizeConfirmText", { realm: state.realm }),
    ok: t("deauthorize"),
    danger: true
  });
  if (!ok) {
    return;
  }
  const button = $("deauthorize");
  button.disabled = true;
  try {
    const answer = await api.post(realmPath() + "/twofactor/deauthorize");
    // the server's own sentence, in the page's language
    const serverMessage = answer && answer.message ? answer.message : null;
    const message = () => (!serverMessage || serverMessage === "Users have been successfully deauthorized" ? t("deauthorized") : serverMessage);
    const n = answer && typeof answer.deauthorized === "number" ? answer.deauthorized : null;
    showAlert($("deauthorize-status"), "success", message, n === null ? null : () => t("deauthorizedCount", { count: n }), "deauthorize-message");
  } catch (e) {
    showAlert($("deauthorize-status"), "danger", later(e), null, "deauthorize-message");
  } finally {
    button.disabled = false;
  }
}


// ---------------------------------------------------------------------------------------------- start

function applyLanguage() {
  translatePage();
  $("lang-select").value = language();
  renderMastheadRealm();
  // the words change, not the values: what the admin has edited but not saved stays in the form
  const shown = state.settings && state.realm ? Object.assign({}, state.settings, readForm()) : state.settings;
  fillSettings(shown);
  caps.render();
  if (state.users.loaded) {
    renderUsers();
  }
  retranslateAll();
}

function wire() {
  $("lang-select").addEventListener("change", (e) => {
    setLanguage(e.target.value, true);
    const url = new URL(location.href);
    if (url.searchParams.has("lang")) {
      url.searchParams.set("lang", language());
      history.replaceState(null, "", url.pathname + url.search);
    }
    applyLanguage();
  });
  $("sign-in").addEventListener("click", () => oidc.login({ locale: language() }));
  $("sign-out").addEventListener("click", () => {
    try {
      sessionStorage.setItem(SIGNED_OUT, "1");
    } catch (e) {
      // the page will simply sign in again
    }
    oidc.logout();
  });
  $("realm-select").addEventListener("change", (e) => {
    try {
      localStorage.setItem(REALM_CHOICE, e.target.value);
    } catch (err) {
      // not remembered
    }
    selectRealm(e.target.value);
  });
  wireSettings();
  $("deauthorize").addEventListener("click", deauthorize);
  caps.wire();
  wireUsers();
  oidc.onExpired = () => sessionEnded();
}

async function startApp() {
  const me = oidc.identity();
  state.me = me.sub || null;
  const who = $("who");
  who.textContent = me.preferred_username || me.name || me.email || "";
  who.hidden = !who.textContent;
  $("sign-out").hidden = false;
  clearAlert($("global-alert"));
  showView("app");
  if (state.isMaster) {
    await loadRealms();
  } else {
    $("realm-picker").hidden = true;
    await selectRealm(state.pageRealm);
  }
}

async function main() {
  const fromUrl = new URLSearchParams(location.search).get("lang");
  setLanguage(pickLanguage(), !!fromUrl);
  applyLanguage();
  wire();
  if (!place) {
    showSignIn(t("notThisPage"), "danger");
    $("sign-in").hidden = true;
    return;
  }
  if (Oidc.hasCallback()) {
    try {
      await oidc.handleCallback();
    } catch (e) {
      const reason = e instanceof OidcError && e.code === "state_mismatch" ? t("signInStateMismatch")
        : t("signInFailed", { reason: e.description || e.code || String(e) });
      showSignIn(reason, "danger");
      return;
    }
    await startApp();
    return;
  }
  let signedOut = false;
  try {
    signedOut = sessionStorage.getItem(SIGNED_OUT) === "1";
    sessionStorage.removeItem(SIGNED_OUT);
  } catch (e) {
    // no storage: sign in
  }
  if (signedOut) {
    showSignIn(t("signedOutText"), "info");
    return;
  }
  await oidc.login({ locale: language() });
}

main().catch((e) => {
  showSignIn(String(e && e.message ? e.message : e), "danger");
});
