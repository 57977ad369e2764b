package io.corral.cloud.ops;

import java.util.Locale;

/** Where the notifications of a rule go. Only {@link #PAGE} wakes somebody up. */
public enum Route {
    /** PagerDuty Events v2 to the page URL; also logged. */
    PAGE,
    /** A Slack-compatible webhook message to the ticket URL; also logged. */
    TICKET,
    /** The log and the status page only. */
    LOG;

    public boolean pages() {
        return this == PAGE;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code page}, {@code ticket} or {@code log}, ignoring case. */
    public static Route parse(String text) {
        for (Route route : values()) {
            if (route.wireName().equalsIgnoreCase(text.trim())) {
                return route;
            }
        }
        throw new IllegalArgumentException("route must be page, ticket or log, was '" + text + "'");
    }
}
