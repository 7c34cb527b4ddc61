package dev.keycloaktwofactor.it.support.ui;

import dev.keycloaktwofactor.it.support.KeycloakServer;

/** The realm's Security page (twofactor-admin) in Chromium: where it is, and when it is ready to use. */
public final class SecurityPage {

    private SecurityPage() {
    }

    /** The page's address in {@code realm}. */
    public static String url(String realm) {
        return KeycloakServer.get().baseUrl() + "/realms/" + realm + "/twofactor-admin/";
    }

    /** Waits until the page says it is ready (signed in, data loaded). */
    public static void awaitReady(UiBrowser ui) {
        ui.until("the Security page is ready", d -> "ready".equals(ui.script("return document.body && document.body.dataset.state;")));
    }
}
