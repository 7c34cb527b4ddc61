<#import "template.ftl" as layout>
<#-- Notice: the user's phone number was confirmed (keycloak-twofactor). Attributes: realmName, phone (masked), by ("self" = by SMS, else an admin). -->
<@layout.emailLayout>
<p>${msg(((by!"admin") == "self")?then("twofactorPhoneConfirmedSelfBody", "twofactorPhoneConfirmedBody"), realmName, (phone!"")?string)}</p>
<p>${msg("twofactorNoticeNotExpected")}</p>
</@layout.emailLayout>
