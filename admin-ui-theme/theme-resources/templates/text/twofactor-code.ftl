<#ftl output_format="plainText">
<#-- Sign-in code email (keycloak-twofactor). Attributes: realmName, code, ttlMinutes (int), purpose ("login" | "setup-app" | "confirm-email"). -->
<#assign tfPurpose = (purpose!"login")?string>
<#if tfPurpose == "setup-app"><#assign tfIntro = "twofactorEmailCodeIntroSetupApp">
<#elseif tfPurpose == "confirm-email"><#assign tfIntro = "twofactorEmailCodeIntroConfirmEmail">
<#else><#assign tfIntro = "twofactorEmailCodeIntroLogin"></#if>
<#assign tfTtl = -1>
<#if ttlMinutes??>
    <#if ttlMinutes?is_number><#assign tfTtl = ttlMinutes><#elseif ttlMinutes?is_string && ttlMinutes?matches("[0-9]+")><#assign tfTtl = ttlMinutes?number></#if>
</#if>
${msg(tfIntro, realmName)}

${code}

<#if tfTtl gte 0><#if tfTtl == 1>${msg("twofactorEmailCodeValidityOne")}<#else>${msg("twofactorEmailCodeValidity", tfTtl?c)}</#if>
</#if>
${msg("twofactorEmailCodeNoShare")}

${msg("twofactorEmailCodeNotYou")}
