package io.corral.protocol;

import java.util.List;

/** Validation of event names, subscription prefixes, and function and variable names. */
public final class EventNames {
    private EventNames() {
    }

    /**
     * Prefixes only the cloud may publish under. {@code spark/} is Particle's prefix for the cloud's system events
     * ({@code spark/status}), reserved so that no device or API client can forge one.
     */
    public static final List<String> RESERVED_PREFIXES = List.of("corral/", "hook-sent/", "hook-response/", "hook-error/",
            "spark/");

    /**
     * Checks an event name a device wants to publish.
     *
     * @return null when valid, else a diagnostic that names the rule broken
     */
    public static String validatePublishName(String name, Limits limits) {
        String error = validateName("event name", name, limits.maxEventNameLength(), false);
        if (error != null) {
            return error;
        }
        for (String reserved : RESERVED_PREFIXES) {
            if (name.startsWith(reserved)) {
                return "event name '" + name + "' uses the reserved prefix '" + reserved + "'";
            }
        }
        return null;
    }

    /** Checks a subscription prefix; the empty prefix matches every event. */
    public static String validatePrefix(String prefix, Limits limits) {
        return validateName("subscription prefix", prefix, limits.maxEventNameLength(), true);
    }

    /** Checks a function or variable name: 1..maxNameLength printable ASCII characters, no '/'. */
    public static String validateHandlerName(String kind, String name, Limits limits) {
        String error = validateName(kind + " name", name, limits.maxNameLength(), false);
        if (error == null && name.indexOf('/') >= 0) {
            return kind + " name '" + name + "' must not contain '/'";
        }
        return error;
    }

    private static String validateName(String what, String name, int maxLength, boolean emptyAllowed) {
        if (name == null || (name.isEmpty() && !emptyAllowed)) {
            return what + " must be 1.." + maxLength + " printable ASCII characters, was empty";
        }
        if (name.length() > maxLength) {
            return what + " must be at most " + maxLength + " characters, was " + name.length();
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return what + " must be printable ASCII without spaces; character " + i + " is 0x"
                        + Integer.toHexString(c);
            }
        }
        return null;
    }
}
