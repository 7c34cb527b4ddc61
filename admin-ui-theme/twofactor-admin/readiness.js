// Before the Save of a new method: how many users could not use it yet ("12 of 40 users have no confirmed number:
// they will be asked to confirm it, or to contact you"). The server counts (GET .../twofactor/readiness, its user
// store's own count queries); asked once per realm and method, shown under the method choice.

import { t } from "./i18n.js";
import { $, checkedIn } from "./dom.js";

function chosenMethod() {
  const checked = checkedIn("method");
  return checked ? checked.value : null;
}

export class MethodReadiness {
  /**
   * @param api the page's admin REST client
   * @param realmPath () => "/{realm}"
   * @param settings () => the realm's saved settings (or null)
   * @param realm () => the realm shown
   */
  constructor({ api, realmPath, settings, realm }) {
    this.api = api;
    this.realmPath = realmPath;
    this.settings = settings;
    this.realm = realm;
    this.known = {};
  }

  /** After a save or a realm switch the counts may differ. */
  forget() {
    this.known = {};
  }

  /** The method choice changed: count when it is a new sms or email, then show. */
  async update() {
    const method = chosenMethod();
    const saved = this.settings();
    if (!saved || (method !== "sms" && method !== "email") || method === saved.method) {
      this.render();
      return;
    }
    if (!this.known[method]) {
      const realm = this.realm();
      this.known[method] = "loading";
      this.render();
      try {
        const answer = await this.api.get(this.realmPath() + "/twofactor/readiness?method=" + encodeURIComponent(method));
        if (this.realm() === realm) {
          this.known[method] = answer;
        }
      } catch (e) {
        // no count, no warning: the save's own answer still says it
        delete this.known[method];
      }
    }
    this.render();
  }

  /** Writes the warning for the chosen method (also after a language switch), or hides it. */
  render() {
    const box = $("method-readiness");
    const method = chosenMethod();
    const saved = this.settings();
    const known = saved && method !== saved.method ? this.known[method] : null;
    if (!known) {
      box.hidden = true;
      box.textContent = "";
      delete box.dataset.notReady;
      return;
    }
    box.hidden = false;
    if (known === "loading") {
      box.textContent = t("readinessLoading");
      return;
    }
    box.dataset.notReady = String(known.notReady);
    box.dataset.users = String(known.users);
    const key = method === "sms" ? "readinessSms" : "readinessEmail";
    box.textContent = known.notReady > 0 ? t(key, { notReady: known.notReady, users: known.users }) : t(key + "All");
    box.classList.toggle("hint-warning", known.notReady > 0);
  }
}
