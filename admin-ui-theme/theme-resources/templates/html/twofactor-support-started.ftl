<#import "template.ftl" as layout>
<#-- To the realm's admins: technical support access was turned on (keycloak-twofactor). Attributes: realmName, by, until. -->
<@layout.emailLayout>
<p>${msg("twofactorSupportStartedBody", by, realmName, until)}</p>
<p>${msg("twofactorSupportCanRead")}</p>
<p>${msg("twofactorSupportEndsByItself")}</p>
<p>${msg("twofactorNoticeNotExpected")}</p>
</@layout.emailLayout>
