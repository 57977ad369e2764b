package io.corral.cloud.ops;

/** How bad a firing alert is. Critical alerts mark their component as a partial outage, warnings as degraded. */
public enum Severity {
    CRITICAL,
    WARNING;

    /** The lower-case name used in JSON, in config files and in PagerDuty's {@code payload.severity}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
