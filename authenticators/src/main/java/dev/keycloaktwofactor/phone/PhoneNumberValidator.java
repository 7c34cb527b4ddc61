package dev.keycloaktwofactor.phone;

import org.keycloak.models.RealmModel;
import org.keycloak.validate.AbstractStringValidator;
import org.keycloak.validate.ValidationContext;
import org.keycloak.validate.ValidationError;
import org.keycloak.validate.ValidatorConfig;

/**
 * The user-profile validator of {@code phoneNumber}: Keycloak's own user form, users API and account API apply the
 * realm's phone rules ({@link PhonePolicy}) as our endpoints do. They store what was typed, so the number must be
 * typed in its stored E.164 form; the error says which that is.
 */
public class PhoneNumberValidator extends AbstractStringValidator {

    public static final String ID = "twofactor-phone-number";
    /** E.164 form required; {1} is the number in that form. */
    static final String STORE_E164 = "twofactorPhoneStoreE164";
    /** {@link PhoneProblem#COUNTRY_NOT_ALLOWED} for user-profile errors, whose {0} is the attribute's name. */
    static final String COUNTRY_PROFILE = "twofactorPhoneCountryProfile";

    @Override
    protected void doValidate(String value, String inputHint, ValidationContext context, ValidatorConfig config) {
        RealmModel realm = context.getSession().getContext().getRealm();
        PhonePolicy policy = realm == null ? PhonePolicy.OPEN : PhonePolicy.of(realm);
        try {
            String e164 = policy.parse(value);
            if (!e164.equals(value)) {
                context.addError(new ValidationError(ID, inputHint, STORE_E164, e164));
            }
        } catch (PhoneNumberException e) {
            if (e.problem() == PhoneProblem.COUNTRY_NOT_ALLOWED) {
                java.util.Locale locale = context.getSession().getContext().resolveLocale(null);
                context.addError(new ValidationError(ID, inputHint, COUNTRY_PROFILE, e.parameters(locale).toArray()));
            } else {
                context.addError(new ValidationError(ID, inputHint, e.problem().messageKey()));
            }
        }
    }

    @Override
    public String getId() {
        return ID;
    }
}
