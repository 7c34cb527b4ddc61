<#import "template.ftl" as layout>
<#-- To the realm's admins: an admin stopped technical support access (keycloak-twofactor). Attributes: realmName, by. -->
<@layout.emailLayout>
<p>${msg("twofactorSupportStoppedBody", by, realmName)}</p>
<p>${msg("twofactorSupportNoLonger")}</p>
</@layout.emailLayout>
