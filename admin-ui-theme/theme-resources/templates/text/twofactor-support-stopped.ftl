<#ftl output_format="plainText">
<#-- To the realm's admins: an admin stopped technical support access (keycloak-twofactor). Attributes: realmName, by. -->
${msg("twofactorSupportStoppedBody", by, realmName)}

${msg("twofactorSupportNoLonger")}
