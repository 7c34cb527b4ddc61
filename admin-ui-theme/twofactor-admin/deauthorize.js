// The sessions card: "Sign everybody out" of the realm shown, after a confirmation; the server's answer (how many
// were signed out) in a banner.

import { t } from "./i18n.js";
import { $, showAlert, clearAlert, confirmDialog } from "./dom.js";
import { state, realmPath } from "./state.js";
import { api, later } from "./session.js";

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

export function wireDeauthorize() {
  $("deauthorize").addEventListener("click", deauthorize);
}
