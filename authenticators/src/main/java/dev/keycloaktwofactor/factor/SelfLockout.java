package dev.keycloaktwofactor.factor;

import dev.keycloaktwofactor.model.TwoFactorMethod;
import dev.keycloaktwofactor.model.TwoFactorSettings;

import dev.keycloaktwofactor.phone.PhonePolicy;
import dev.keycloaktwofactor.phone.PhoneRecord;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * An admin of a realm must not shut themselves out of it with one write: a method they cannot sign in with (SMS
 * without their own confirmed number, email without an address) or an IP allowlist without their own address. Asked on
 * every path that writes the settings: our endpoint refuses such a write, Keycloak's realm update has it undone.
 * A master-realm admin signs in elsewhere and is never asked.
 */
public final class SelfLockout {

    private SelfLockout() {
    }

    /** Whether {@code admin}, a user of {@code realm}, could still pass the second factor under {@code method}. */
    public static boolean canUse(RealmModel realm, UserModel admin, TwoFactorMethod method) {
        if (method == TwoFactorMethod.SMS) {
            PhoneRecord phone = PhoneRecord.of(admin);
            return phone.confirmed() && PhonePolicy.of(realm).permits(phone.number());
        }
        if (method == TwoFactorMethod.EMAIL) {
            return admin.getEmail() != null && !admin.getEmail().isBlank();
        }
        return true;
    }

    /** Whether a login from {@code address} passes the allowlist of {@code settings} (an unknown address does not). */
    public static boolean mayConnect(TwoFactorSettings settings, String address) {
        return address != null && settings.allowlist().permits(address);
    }
}
