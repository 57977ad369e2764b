package io.corral.cloud.ops;

/** An alert configuration the cloud refuses to start with; the message names the rule or key and the fix. */
public final class AlertConfigException extends IllegalArgumentException {
    public AlertConfigException(String message) {
        super(message);
    }
}
