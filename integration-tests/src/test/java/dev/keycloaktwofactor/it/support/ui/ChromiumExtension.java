package dev.keycloaktwofactor.it.support.ui;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * The Chromium lifecycle of a browser test class: one {@link UiBrowser} for the class, put into its static
 * {@code UiBrowser} field before the class's own {@code @BeforeAll} methods run, and closed after the class. Before
 * each test the browser forgets everything (cookies, storage) and takes the desktop size; after each test the page
 * must have logged no console errors. Without Chromium or chromedriver the class and each of its tests are reported
 * skipped, with the reason ({@link UiBrowser#missing()}).
 * <p>
 * {@code @ExtendWith(ChromiumExtension.class)} for a fresh browser per test; {@code @RegisterExtension static final
 * ChromiumExtension CHROMIUM = ChromiumExtension.keepingState();} where the tests of a class go on from each other's
 * browser state.
 */
public final class ChromiumExtension implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ChromiumExtension.class);

    private final boolean freshPerTest;

    /** A fresh browser state for each test (what {@code @ExtendWith} uses). */
    public ChromiumExtension() {
        this(true);
    }

    private ChromiumExtension(boolean freshPerTest) {
        this.freshPerTest = freshPerTest;
    }

    /** One browser state through the class's tests: no forgetting, no resizing between them. */
    public static ChromiumExtension keepingState() {
        return new ChromiumExtension(false);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String missing = UiBrowser.missing();
        return missing == null ? ConditionEvaluationResult.enabled("Chromium and chromedriver are installed")
                : ConditionEvaluationResult.disabled(missing);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
        UiBrowser ui = UiBrowser.start();
        context.getStore(NAMESPACE).put(UiBrowser.class, (ExtensionContext.Store.CloseableResource) ui::close);
        boolean injected = false;
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getType() == UiBrowser.class && Modifier.isStatic(f.getModifiers())) {
                    f.setAccessible(true);
                    f.set(null, ui);
                    injected = true;
                }
            }
        }
        if (!injected) {
            throw new IllegalStateException(context.getRequiredTestClass() + " has no static UiBrowser field for " + ChromiumExtension.class.getSimpleName());
        }
        context.getStore(NAMESPACE).put(Holder.class, new Holder(ui));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (freshPerTest) {
            UiBrowser ui = browser(context);
            ui.forgetEverything();
            ui.desktop();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        browser(context).assertNoConsoleErrors();
    }

    private static UiBrowser browser(ExtensionContext context) {
        return context.getStore(NAMESPACE).get(Holder.class, Holder.class).ui();
    }

    private record Holder(UiBrowser ui) {
    }
}
