package dev.keycloaktwofactor.email;

import dev.keycloaktwofactor.phone.PhoneNumbers;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Emails that tell a user something changed on their account (docs/security-model.md, "Notices to the user"). A notice that cannot be sent
 * (no address, SMTP down) is logged once and never fails the admin action that caused it.
 */
public enum UserNotice {
    DEVICE_RESET("twofactorDeviceResetSubject", "twofactor-device-reset.ftl"),
    PHONE_CONFIRMED("twofactorPhoneConfirmedSubject", "twofactor-phone-confirmed.ftl"),
    PHONE_CHANGED("twofactorPhoneChangedSubject", "twofactor-phone-changed.ftl");

    private static final Logger LOG = Logger.getLogger(UserNotice.class);

    private final String subjectKey;
    private final String template;

    UserNotice(String subjectKey, String template) {
        this.subjectKey = subjectKey;
        this.template = template;
    }

    /**
     * A notice about the user's phone number, shown masked in international format (country code and last digits); {@code number} null means it was
     * removed. {@code by} says who confirmed ("self" by SMS, otherwise an admin); null where it does not apply.
     */
    public void sendAboutPhone(KeycloakSession session, RealmModel realm, UserModel user, String number, String by) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("phone", number == null ? null : PhoneNumbers.masked(number));
        if (by != null) {
            attributes.put("by", by);
        }
        send(session, realm, user, attributes);
    }

    public void send(KeycloakSession session, RealmModel realm, UserModel user, Map<String, Object> attributes) {
        if (user.getEmail() == null || user.getEmail().isBlank()) {
            LOG.debugf("No %s notice for user %s: no email address", name(), user.getId());
            return;
        }
        Map<String, Object> body = new HashMap<>(attributes);
        body.put("realmName", realm.getDisplayName() == null || realm.getDisplayName().isBlank() ? realm.getName() : realm.getDisplayName());
        try {
            session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                    .send(subjectKey, List.of(body.get("realmName")), template, body);
        } catch (EmailException | RuntimeException e) {
            LOG.warnf("Could not send the %s notice to user %s: %s", name(), user.getId(), e.getMessage());
        }
    }
}
