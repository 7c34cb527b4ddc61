// The admin REST API with the signed-in admin's bearer token. Every failure becomes an ApiError that says
// in words what went wrong; nothing fails silently.

import { t, has } from "./i18n.js";

export class ApiError extends Error {
  /**
   * @param kind "network" | "unauthorized" | "forbidden" | "invalid" | "notfound" | "server" | "other"
   * @param status HTTP status, 0 for network errors
   * @param serverText the server's own words ({"error": ...}), when it sent some
   * @param field the setting the server named, for 400 answers
   * @param code the server's stable code of the refusal (e.g. "ip_allowlist_invalid"), translated by the page
   * @param value what the server named for the page's own sentence (an entry, an address, a method)
   */
  constructor(kind, status, serverText, field, code, value) {
    super(serverText || kind);
    this.kind = kind;
    this.status = status;
    this.serverText = serverText;
    this.field = field || null;
    this.code = code || null;
    this.value = value ?? null;
  }

  /**
   * The page's own text for the server's code, most specific first: refusal_<code>_<value> (e.g. the method),
   * refusal_<code>_<variant> (e.g. "master" for the reader), refusal_<code>; null for a code the page does not know.
   */
  translated(variant) {
    if (!this.code) {
      return null;
    }
    const base = "refusal_" + this.code;
    const keys = [this.value != null ? base + "_" + this.value : null, variant ? base + "_" + variant : null, base];
    const key = keys.find((k) => k && has(k));
    return key ? t(key, { value: this.value ?? "" }) : null;
  }

  /**
   * What to show a person, in the page's language: the page's text for the server's code, else the server's own
   * words (a code this page does not know yet), else a text by status.
   */
  describe(variant) {
    const own = this.translated(variant);
    if (own) {
      return own;
    }
    switch (this.kind) {
      case "network":
        return t("errNetwork");
      case "unauthorized":
        return t("errUnauthorized");
      case "forbidden":
        return this.serverText ? this.serverText : t("errForbidden");
      case "invalid":
        return this.serverText || t("errStatus", { status: this.status });
      case "notfound":
        return t("errNotFound");
      case "server":
        return t("errServer", { status: this.status });
      default:
        return this.serverText || t("errStatus", { status: this.status });
    }
  }
}

/** Keycloak's generic answers ("HTTP 403 Forbidden", "unknown_error") carry no more than the status itself. */
function meaningful(text) {
  if (typeof text !== "string" || !text.trim()) {
    return null;
  }
  if (/^HTTP \d{3}\b/.test(text) || /^(unknown_error|access_denied|Forbidden|Not Found|unauthorized)$/i.test(text)) {
    return null;
  }
  return text;
}

export class Api {
  constructor(serverBase, oidc) {
    this.root = serverBase + "/admin/realms";
    this.oidc = oidc;
  }

  async request(method, path, body, retried) {
    const token = await this.oidc.accessToken().catch(() => {
      throw new ApiError("unauthorized", 401);
    });
    const headers = { Authorization: "Bearer " + token, Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    let res;
    try {
      res = await fetch(this.root + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store"
      });
    } catch (e) {
      throw new ApiError("network", 0);
    }
    if (res.status === 401 && !retried) {
      // the token may have just expired: one refresh and one retry
      try {
        await this.oidc.refresh();
      } catch (e) {
        throw new ApiError("unauthorized", 401);
      }
      return this.request(method, path, body, true);
    }
    const text = await res.text().catch(() => "");
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        data = null;
      }
    }
    if (res.ok) {
      return data;
    }
    const serverText = data && typeof data === "object"
      ? meaningful(data.error) || meaningful(data.errorMessage) || meaningful(data.error_description)
      : null;
    const field = data && typeof data === "object" ? data.field : null;
    const code = data && typeof data === "object" && typeof data.code === "string" ? data.code : null;
    const value = data && typeof data === "object" && data.value != null ? String(data.value) : null;
    const kind = res.status === 400 ? "invalid"
      : res.status === 401 ? "unauthorized"
        : res.status === 403 ? "forbidden"
          : res.status === 404 ? "notfound"
            : res.status >= 500 ? "server" : "other";
    throw new ApiError(kind, res.status, serverText, field, code, value);
  }

  get(path) {
    return this.request("GET", path);
  }

  put(path, body) {
    return this.request("PUT", path, body);
  }

  post(path, body) {
    return this.request("POST", path, body);
  }

  delete(path) {
    return this.request("DELETE", path);
  }
}
