<#import "template.ftl" as layout>
<#-- Notice: an administrator confirmed the user's phone number (keycloak-twofactor). Attributes: realmName, phone (masked). -->
<@layout.emailLayout>
<p>${msg("twofactorPhoneConfirmedBody", realmName, (phone!"")?string)}</p>
<p>${msg("twofactorNoticeNotExpected")}</p>
</@layout.emailLayout>
