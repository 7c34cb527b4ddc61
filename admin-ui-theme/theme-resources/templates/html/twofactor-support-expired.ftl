<#import "template.ftl" as layout>
<#-- To the realm's admins: technical support access ended at its time (keycloak-twofactor). Attributes: realmName, until. -->
<@layout.emailLayout>
<p>${msg("twofactorSupportExpiredBody", realmName, until)}</p>
<p>${msg("twofactorSupportNoLonger")}</p>
</@layout.emailLayout>
