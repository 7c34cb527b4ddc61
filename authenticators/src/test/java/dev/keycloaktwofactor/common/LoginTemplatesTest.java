package dev.keycloaktwofactor.common;

import freemarker.cache.FileTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.StringTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.template.Configuration;
import freemarker.template.TemplateExceptionHandler;
import freemarker.template.TemplateMethodModelEx;
import org.junit.jupiter.api.Test;
import org.keycloak.forms.login.MessageType;
import org.keycloak.theme.beans.MessageBean;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our login templates rendered by FreeMarker 2.3.32 (Keycloak's) against a stand-in for Keycloak's layout whose
 * message part is keycloak.v2's own markup, word for word.
 */
class LoginTemplatesTest {

    private static final Path TEMPLATES = Paths.get("../admin-ui-theme/theme-resources/templates");

    /** keycloak.v2 login/template.ftl (26.4-26.7), the message lines as they are; the rest reduced to the sections. */
    private static final String LAYOUT = """
            <#macro registrationLayout bodyClass="" displayInfo=false displayMessage=true displayRequiredFields=false>
            <#if displayMessage && message?has_content && (message.type != 'warning' || !isAppInitiatedAction??)>
            <div class="pf-v5-c-alert pf-m-${(message.type = 'error')?then('danger', message.type)}"><span class="kc-feedback-text">${message.summary}</span></div>
            </#if>
            <h1><#nested "header"></h1>
            <#nested "form">
            </#macro>
            """;

    /** Stands for Keycloak's messagesPerField bean: no field error. */
    public static final class NoFieldErrors {
        public boolean existsError(String field) {
            return false;
        }

        public String get(String field) {
            return "";
        }
    }

    private static String render(String template, Object message) throws Exception {
        StringTemplateLoader layout = new StringTemplateLoader();
        layout.putTemplate("template.ftl", LAYOUT);
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_32);
        cfg.setTemplateLoader(new MultiTemplateLoader(new TemplateLoader[]{layout, new FileTemplateLoader(new File(TEMPLATES.toString()))}));
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setDefaultEncoding("UTF-8");
        Map<String, Object> model = new HashMap<>();
        model.put("properties", Map.of("kcFormGroupLabelClass", "pf-v5-c-form__label"));
        model.put("msg", (TemplateMethodModelEx) args -> "[" + args.get(0) + "]");
        model.put("messagesPerField", new NoFieldErrors());
        model.put("url", Map.of("loginAction", "https://kc.example/login-actions/authenticate"));
        model.put("twofactorChannel", "email");
        model.put("twofactorDestination", "a***@example.test");
        if (message != null) {
            model.put("message", message);
        }
        StringWriter out = new StringWriter();
        cfg.getTemplate(template).process(model, out);
        return out.toString();
    }

    @Test
    void aMessageWithoutSummaryLeavesTheCodePageWholeWithoutAnAlert() throws Exception {
        // what Keycloak's form() hands over when a parallel request of the login took the forwarded error away
        String page = render("twofactor-code.ftl", new MessageBean(null, MessageType.ERROR));
        assertThat(page).contains("kc-twofactor-code-form").doesNotContain("pf-v5-c-alert");
    }

    @Test
    void aRealMessageIsStillShown() throws Exception {
        MessageBean message = new MessageBean(null, MessageType.ERROR);
        message.appendSummaryLine("Too many wrong codes.");
        String page = render("twofactor-code.ftl", message);
        assertThat(page).contains("pf-m-danger").contains("Too many wrong codes.");
        assertThat(render("twofactor-code.ftl", null)).contains("kc-twofactor-code-form").doesNotContain("pf-v5-c-alert");
    }

    @Test
    void everyLoginTemplateOfOursGuardsTheLayoutsMessage() throws IOException {
        try (Stream<Path> files = Files.list(TEMPLATES)) {
            List<Path> pages = files.filter(p -> p.getFileName().toString().endsWith(".ftl"))
                    .filter(p -> read(p).contains("@layout.registrationLayout")).toList();
            assertThat(pages).hasSizeGreaterThanOrEqualTo(5);
            for (Path p : pages) {
                assertThat(read(p)).as(p.toString()).contains("<#include \"twofactor-message-guard.ftl\">");
            }
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
