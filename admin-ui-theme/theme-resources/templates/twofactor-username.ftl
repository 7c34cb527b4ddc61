<#--
  Included by our login templates after <#import "template.ftl" as layout>.
  keycloak.v2's layout shows the user being signed in as a read-only field whose label says for="username" while the
  field is id="kc-attempted-username": the label names nothing (axe "label", critical). Keycloak's own pages share
  that; for ours we replace only that one macro, in the layout's namespace, with the same markup tied together.
  The legacy keycloak theme shows the name as text in a <label> with no field, and needs nothing.
-->
<#macro twofactorUsername>
  <#assign tfUsernameLabel><#if !realm.loginWithEmailAllowed>${msg("username")}<#elseif !realm.registrationEmailAsUsername>${msg("usernameOrEmail")}<#else>${msg("email")}</#if></#assign>
  <div class="${properties.kcFormGroupClass!}">
    <div class="${properties.kcFormGroupLabelClass!}">
      <label for="kc-attempted-username" class="${properties.kcFormLabelClass!}">
        <span class="${properties.kcFormLabelTextClass!}">${tfUsernameLabel}</span>
      </label>
    </div>
    <div class="${properties.kcInputGroup!}">
      <div class="${properties.kcInputGroupItemClass!} ${properties.kcFill!}">
        <span class="${properties.kcInputClass!} ${properties.kcFormReadOnlyClass!}">
          <input id="kc-attempted-username" value="${auth.attemptedUsername}" readonly>
        </span>
      </div>
      <div class="${properties.kcInputGroupItemClass!}">
        <button id="reset-login" class="${properties.kcFormPasswordVisibilityButtonClass!} kc-login-tooltip" type="button"
              aria-label="${msg('restartLoginTooltip')}" onclick="location.href='${url.loginRestartFlowUrl}'">
            <i class="fa-sync-alt fas" aria-hidden="true"></i>
            <span class="kc-tooltip-text">${msg("restartLoginTooltip")}</span>
        </button>
      </div>
    </div>
    <div id="input-error-container-username"></div>
  </div>
</#macro>
<#if layout.username?? && layout.username?is_macro>
  <#assign username = twofactorUsername in layout>
</#if>
