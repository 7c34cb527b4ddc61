// OpenID Connect authorization code flow with PKCE (S256), done by the page itself (Keycloak 26 no longer
// serves keycloak.js). Tokens live in memory only; sessionStorage holds the PKCE verifier, state and nonce
// for the length of the round trip to the login page, and is cleared as soon as the answer comes back.

const PENDING = "twofactor-admin.pkce";

export class OidcError extends Error {
  constructor(code, description) {
    super(description || code);
    this.code = code;
    this.description = description;
  }
}

function base64url(bytes) {
  let s = "";
  for (const b of bytes) {
    s += String.fromCharCode(b);
  }
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(byteCount) {
  const bytes = new Uint8Array(byteCount);
  crypto.getRandomValues(bytes);
  return base64url(bytes);
}

/** SHA-256 for PKCE: Web Crypto where the page is a secure context, a small implementation elsewhere (plain http). */
async function sha256(text) {
  const data = new TextEncoder().encode(text);
  if (globalThis.crypto && crypto.subtle) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  }
  return sha256Fallback(data);
}

function sha256Fallback(data) {
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const length = data.length;
  const padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
  padded.set(data);
  padded[length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(length / 0x20000000));
  view.setUint32(padded.length - 4, (length << 3) >>> 0);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) {
      w[i] = view.getUint32(off + i * 4);
    }
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, h] = H;
    for (let i = 0; i < 64; i++) {
      const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[i] + w[i]) >>> 0;
      const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) >>> 0;
      h = g; g = f; f = e; e = (d + t1) >>> 0; d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += h;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  H.forEach((v, i) => outView.setUint32(i * 4, v));
  return out;
}

/** The claims of a JWT, without checking its signature: only for display and the nonce check of our own answer. */
export function claims(jwt) {
  try {
    const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(Array.from(atob(part), (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""));
    return JSON.parse(json);
  } catch (e) {
    return {};
  }
}

export class Oidc {
  /**
   * @param serverBase e.g. "https://sso.example.com" or "http://localhost:8080/auth" (no trailing slash)
   * @param realm the realm to sign in to
   * @param redirectUri this page's own address, registered on the client
   */
  constructor({ serverBase, realm, clientId, redirectUri }) {
    this.base = serverBase + "/realms/" + encodeURIComponent(realm) + "/protocol/openid-connect";
    this.clientId = clientId;
    this.redirectUri = redirectUri;
    this.tokens = null;
    this.refreshTimer = null;
    this.onExpired = () => {};
    this.onRefreshed = () => {};
  }

  /** Goes to Keycloak's login page; the browser comes back to redirectUri with the answer in the fragment. */
  async login({ locale } = {}) {
    const verifier = randomString(48);
    const challenge = base64url(await sha256(verifier));
    const state = randomString(24);
    const nonce = randomString(24);
    sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce, at: Date.now() }));
    const params = new URLSearchParams({
      client_id: this.clientId,
      redirect_uri: this.redirectUri,
      response_type: "code",
      response_mode: "fragment",
      scope: "openid",
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: "S256"
    });
    if (locale) {
      params.set("ui_locales", locale);
    }
    location.assign(this.base + "/auth?" + params.toString());
  }

  /** True when the address carries an answer of the login page (code or error). */
  static hasCallback() {
    const p = new URLSearchParams(location.hash.slice(1));
    return p.has("state") && (p.has("code") || p.has("error"));
  }

  /** Reads the login page's answer from the fragment, removes it from the address and trades the code for tokens. */
  async handleCallback() {
    const p = new URLSearchParams(location.hash.slice(1));
    history.replaceState(null, "", location.pathname + location.search);
    const raw = sessionStorage.getItem(PENDING);
    sessionStorage.removeItem(PENDING);
    const pending = raw ? JSON.parse(raw) : null;
    if (!pending || pending.state !== p.get("state")) {
      throw new OidcError("state_mismatch");
    }
    if (p.has("error")) {
      throw new OidcError(p.get("error"), p.get("error_description"));
    }
    const tokens = await this.tokenRequest({
      grant_type: "authorization_code",
      code: p.get("code"),
      redirect_uri: this.redirectUri,
      client_id: this.clientId,
      code_verifier: pending.verifier
    });
    if (claims(tokens.id_token).nonce !== pending.nonce) {
      throw new OidcError("nonce_mismatch", "The ID token does not answer this sign-in.");
    }
    this.accept(tokens);
    return this.tokens;
  }

  async tokenRequest(form) {
    let res;
    try {
      res = await fetch(this.base + "/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: new URLSearchParams(form).toString(),
        credentials: "omit",
        cache: "no-store"
      });
    } catch (e) {
      throw new OidcError("network");
    }
    let body = {};
    try {
      body = await res.json();
    } catch (e) {
      // not JSON
    }
    if (!res.ok) {
      throw new OidcError(body.error || "http_" + res.status, body.error_description);
    }
    return body;
  }

  accept(tokens) {
    const now = Date.now();
    this.tokens = {
      access: tokens.access_token,
      refresh: tokens.refresh_token,
      id: tokens.id_token || (this.tokens && this.tokens.id),
      expiresAt: now + (tokens.expires_in || 60) * 1000
    };
    this.scheduleRefresh((tokens.expires_in || 60) * 1000);
  }

  scheduleRefresh(lifetimeMs) {
    clearTimeout(this.refreshTimer);
    // refresh well before expiry: 30 s early, or at 70 % of very short lifetimes
    const delay = Math.max(5000, Math.min(lifetimeMs - 30000, lifetimeMs * 0.7));
    this.refreshTimer = setTimeout(() => this.refresh().catch(() => {}), delay);
  }

  /** A fresh access token from the refresh token; on failure the session is over. */
  async refresh() {
    if (!this.tokens || !this.tokens.refresh) {
      throw new OidcError("no_session");
    }
    if (!this.refreshing) {
      this.refreshing = this.tokenRequest({
        grant_type: "refresh_token",
        refresh_token: this.tokens.refresh,
        client_id: this.clientId
      }).then((tokens) => {
        this.accept(tokens);
        this.onRefreshed(this.tokens);
        return this.tokens;
      }, (e) => {
        if (e.code !== "network") {
          this.clear();
          this.onExpired(e);
        }
        throw e;
      }).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  /** The current access token, refreshed first when it is about to expire. */
  async accessToken() {
    if (!this.tokens) {
      throw new OidcError("no_session");
    }
    if (Date.now() > this.tokens.expiresAt - 10000) {
      await this.refresh();
    }
    return this.tokens.access;
  }

  identity() {
    return this.tokens ? claims(this.tokens.id) : {};
  }

  clear() {
    clearTimeout(this.refreshTimer);
    this.tokens = null;
  }

  /** Keycloak's end-session endpoint; it sends the browser back to this page. */
  logout() {
    const params = new URLSearchParams({ client_id: this.clientId, post_logout_redirect_uri: this.redirectUri });
    if (this.tokens && this.tokens.id) {
      params.set("id_token_hint", this.tokens.id);
    }
    this.clear();
    location.assign(this.base + "/logout?" + params.toString());
  }
}
