package dev.keycloaktwofactor.flow;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The account console's two rows of ours keep their credential types and provider ids, and store nothing. */
class AccountConsoleEntryTest {

    @Test
    void theEntriesKeepTheirTypesAndProviderIds() {
        PhoneCredentialEntry phone = new PhoneCredentialEntry();
        assertThat(phone.getId()).isEqualTo("twofactor-phone").isEqualTo(PhoneCredentialEntry.TYPE);
        assertThat(phone.getType()).isEqualTo("twofactor-phone");
        SetupAppCredentialProvider app = new SetupAppCredentialProvider();
        assertThat(app.getId()).isEqualTo("twofactor-setup-app").isEqualTo(SetupAppCredentialProvider.TYPE);
        assertThat(app.getType()).isEqualTo("twofactor-setup-app");
    }

    @Test
    void nothingIsStoredOrDeletedAsTheirTypes() {
        assertThatThrownBy(() -> new PhoneCredentialEntry().createCredential(null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Nothing is stored as twofactor-phone: the number is a user attribute");
        assertThatThrownBy(() -> new SetupAppCredentialProvider().createCredential(null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Nothing is stored as twofactor-setup-app: the app becomes an otp credential");
        assertThat(new PhoneCredentialEntry().deleteCredential(null, null, "any")).isFalse();
        assertThat(new SetupAppCredentialProvider().deleteCredential(null, null, "any")).isFalse();
    }
}
