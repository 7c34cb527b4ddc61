// The dialog that adds or changes a user's phone number. The server checks the number (format, the realm's SMS
// countries); its refusal is shown under the field, in the page's language.

import { t } from "./i18n.js";
import { $, live, showAlert } from "./dom.js";
import { api, later } from "./session.js";
import { shownNumber } from "./user-rows.js";

let phoneTarget = null;

/** Opens the dialog for one user; reload(focusSelector) reloads the users table after a save. */
export function openPhoneDialog(user, base, opener, reload) {
  phoneTarget = { user, base, opener, reload };
  live($("phone-title"), () => {
    $("phone-title").textContent = t(user.phoneNumber ? "phoneDialogChange" : "phoneDialogAdd", { user: user.username, phone: shownNumber(user) });
  });
  const input = $("phone-input");
  // the stored number to edit, when the admin may see it in full; otherwise a change is typed in full
  input.value = user.phoneNumberE164 || "";
  input.removeAttribute("aria-invalid");
  const error = $("phone-error");
  error.hidden = true;
  error.textContent = "";
  $("phone-dialog").showModal();
  input.focus();
  input.select();
}

function closePhoneDialog() {
  $("phone-dialog").close();
}

async function savePhone(event) {
  event.preventDefault();
  if (!phoneTarget) {
    return;
  }
  const { user, base, reload } = phoneTarget;
  const input = $("phone-input");
  const error = $("phone-error");
  const button = $("phone-save");
  button.disabled = true;
  try {
    await api.put(base + "/phone", { phoneNumber: input.value.trim() });
    closePhoneDialog();
    showAlert($("users-status"), "success", () => t("phoneSaved", { user: user.username }));
    await reload(`button[data-action="phone-edit"][data-user-id="${CSS.escape(user.id)}"]`);
  } catch (e) {
    const message = later(e);
    live(error, () => {
      error.textContent = message();
    });
    error.hidden = false;
    input.setAttribute("aria-invalid", "true");
    input.focus();
  } finally {
    button.disabled = false;
  }
}

export function wirePhoneDialog() {
  $("phone-form").addEventListener("submit", savePhone);
  $("phone-cancel").addEventListener("click", closePhoneDialog);
  $("phone-dialog").addEventListener("close", () => {
    const target = phoneTarget;
    phoneTarget = null;
    if (target && target.opener && document.contains(target.opener)) {
      target.opener.focus();
    }
  });
}
