// What the Security page knows now, shared by its sections: where it is served, the realm shown, that realm's
// saved settings, the users table's page, and the signed-in admin. Sections read and write these fields; nothing
// else is kept between calls.

const PAGE_SIZE = 20;

/** The page's own address: /realms/{realm}/twofactor-admin/ under the server's base path (null elsewhere). */
export const place = /^(.*)\/realms\/([^/]+)\/twofactor-admin\/$/.exec(location.pathname);

/** A fresh users table: first page, no search, nothing loaded. */
export function newUsersPage() {
  return { search: "", first: 0, max: PAGE_SIZE, hasMore: false, list: [], loaded: false };
}

export const state = {
  serverBase: place ? location.origin + place[1] : location.origin,
  pageRealm: place ? decodeURIComponent(place[2]) : null,
  realm: null,
  settings: null,
  users: newUsersPage(),
  me: null
};
state.isMaster = state.pageRealm === "master";

/** The admin REST path of the realm shown: "/{realm}". */
export const realmPath = () => "/" + encodeURIComponent(state.realm);

/** The reader's variant of a refusal text: a master-realm admin activates SMS themselves. */
export const reader = () => (state.isMaster ? "master" : null);

/** The signed-in admin's own row: their token's subject, in the realm they signed in to. */
export function isMe(user) {
  return !!state.me && state.realm === state.pageRealm && user.id === state.me;
}
