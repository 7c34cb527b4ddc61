package dev.keycloaktwofactor.email;

import dev.keycloaktwofactor.code.CodeChannel;
import dev.keycloaktwofactor.code.CodeDeliveryException;
import dev.keycloaktwofactor.code.CodePurpose;
import dev.keycloaktwofactor.code.CodeStep;
import dev.keycloaktwofactor.model.TwoFactorSettings;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Codes by email, through the realm's SMTP settings and Keycloak's email templates (HTML and text, user's locale). */
public class EmailChannel implements CodeChannel {

    public static final String TEMPLATE = "twofactor-code.ftl";
    public static final String SUBJECT = "twofactorEmailCodeSubject";

    @Override
    public String id() {
        return "email";
    }

    @Override
    public String destination(CodeStep step) {
        String email = step.user().getEmail();
        return email == null || email.isBlank() ? null : email;
    }

    @Override
    public String masked(String email) {
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        String local = email.substring(0, at);
        String shown = local.length() <= 2 ? local.substring(0, 1) : local.charAt(0) + "***" + local.charAt(local.length() - 1);
        return (local.length() <= 2 ? shown + "***" : shown) + email.substring(at);
    }

    @Override
    public String missingDestinationMessage() {
        return "twofactorEmailMissing";
    }

    @Override
    public void deliver(KeycloakSession session, RealmModel realm, UserModel user, String destination, String code,
                        CodePurpose purpose, TwoFactorSettings settings) throws CodeDeliveryException {
        String realmName = realm.getDisplayName() == null || realm.getDisplayName().isBlank() ? realm.getName() : realm.getDisplayName();
        Map<String, Object> body = new HashMap<>();
        body.put("code", code);
        body.put("ttlMinutes", Math.max(1, settings.codeTtlSeconds() / 60));
        body.put("purpose", purpose == CodePurpose.SETUP_APP ? "setup-app" : "login");
        body.put("realmName", realmName);
        try {
            session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                    .send(SUBJECT, List.of(realmName), TEMPLATE, body);
        } catch (EmailException | RuntimeException e) {
            throw new CodeDeliveryException("email to user " + user.getId() + " failed: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
