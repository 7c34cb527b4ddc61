package dev.keycloaktwofactor.phone;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.representations.userprofile.config.UPAttributePermissions;
import org.keycloak.representations.userprofile.config.UPConfig;
import org.keycloak.userprofile.UserProfileProvider;

import java.util.Map;
import java.util.Set;

/**
 * Declares the phone attributes in the realm's user profile, so that Keycloak itself shows and guards them:
 * admins see and edit the number (the realm's phone rules enforced by {@link PhoneNumberValidator}) and the confirmation flag; users see both, and
 * change their own number only through the confirm-phone action; the bookkeeping attributes are admin-view only.
 */
public final class PhoneProfile {

    private static final Set<String> ADMIN_AND_USER = Set.of("admin", "user");
    private static final Set<String> ADMIN = Set.of("admin");

    private PhoneProfile() {
    }

    public static void ensure(KeycloakSession session, RealmModel realm) {
        RealmModel previous = session.getContext().getRealm();
        session.getContext().setRealm(realm);
        try {
            declare(session.getProvider(UserProfileProvider.class));
        } finally {
            session.getContext().setRealm(previous);
        }
    }

    private static void declare(UserProfileProvider profile) {
        UPConfig config = profile.getConfiguration();
        UPAttribute declared = config.getAttribute(PhoneRecord.NUMBER);
        if (declared != null && config.getAttribute(PhoneRecord.VERIFIED_FOR) != null) {
            // declared before the phone rules existed (a regular expression for E.164): the rules replace it
            if (declared.getValidations() == null || !declared.getValidations().containsKey(PhoneNumberValidator.ID)) {
                Map<String, Map<String, Object>> validations = new java.util.HashMap<>(
                        declared.getValidations() == null ? Map.of() : declared.getValidations());
                validations.remove("pattern");
                validations.put(PhoneNumberValidator.ID, Map.of());
                declared.setValidations(validations);
                profile.setConfiguration(config);
            }
            return;
        }
        UPAttribute number = attribute(PhoneRecord.NUMBER, "${twofactorPhoneNumberLabel}", ADMIN_AND_USER, ADMIN);
        number.addValidation(PhoneNumberValidator.ID, Map.of());
        number.setAnnotations(Map.of("inputType", "html5-tel", "inputTypePlaceholder", "+14155550100"));
        config.addOrReplaceAttribute(number);
        // confirmed through the confirm-phone action (SMS) or an admin's confirm call, never by editing the flag
        config.addOrReplaceAttribute(attribute(PhoneRecord.VERIFIED, "${twofactorPhoneVerifiedLabel}", ADMIN_AND_USER, Set.of()));
        config.addOrReplaceAttribute(attribute(PhoneRecord.VERIFIED_BY, "${twofactorPhoneVerifiedByLabel}", ADMIN, Set.of()));
        config.addOrReplaceAttribute(attribute(PhoneRecord.VERIFIED_FOR, "${twofactorPhoneVerifiedForLabel}", ADMIN, Set.of()));
        profile.setConfiguration(config);
    }

    private static UPAttribute attribute(String name, String displayName, Set<String> view, Set<String> edit) {
        UPAttribute a = new UPAttribute(name, new UPAttributePermissions(view, edit));
        a.setDisplayName(displayName);
        return a;
    }
}
