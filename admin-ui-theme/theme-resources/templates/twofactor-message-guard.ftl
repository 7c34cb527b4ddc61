<#--
  Included by every login template of ours, after <#import "template.ftl" as layout>.
  Keycloak's AuthenticationProcessor form() reads a login's forwarded error (auth-session note) twice: once to see
  whether there is one, once to add it. When a parallel request of the same login removes it in between (parallel
  posts of one code page, a back button), the form gets a null message and the page a `message` with no summary, which
  the layout prints (message.summary): a FreeMarker error and a 500 instead of the page. Such a message says
  nothing, so the layout does not get it (a #global hides the data model's `message` from the imported layout).
-->
<#if message?? && !(message.summary??)>
  <#global message = "">
</#if>
