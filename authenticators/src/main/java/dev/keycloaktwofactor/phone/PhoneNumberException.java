package dev.keycloaktwofactor.phone;

import dev.keycloaktwofactor.model.InvalidSettingException;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;

/** A number that cannot be attached, confirmed or texted; the message names the problem (in English). */
public class PhoneNumberException extends InvalidSettingException {

    private final PhoneProblem problem;
    private final PhonePolicy policy;
    private final String region;

    PhoneNumberException(PhoneProblem problem, PhonePolicy policy, String region) {
        super(PhoneNumbers.FIELD, new MessageFormat(problem.english(), Locale.ENGLISH)
                .format(PhonePolicy.describeRegions(policy, region, Locale.ENGLISH).toArray()));
        this.problem = problem;
        this.policy = policy;
        this.region = region;
    }

    public PhoneProblem problem() {
        return problem;
    }

    /** Parameters of {@link PhoneProblem#messageKey()} in a person's language: the country, the SMS countries. */
    public List<String> parameters(Locale locale) {
        return PhonePolicy.describeRegions(policy, region, locale);
    }
}
