package io.corral.protocol;

import java.util.List;
import java.util.Map;

/** The JSON bodies of the profile, as records that Jackson reads and writes. */
public final class Messages {
    private Messages() {
    }

    /** Body of {@code POST /h}. */
    public record Hello(String fw, String product, String sdk, List<String> features) {
    }

    /** Answer to hello: the cloud's time in Unix seconds and the keepalive it asks for, in seconds. */
    public record HelloReply(long time, int keepalive) {
    }

    /**
     * Body of {@code POST /d}: function names and variable types.
     *
     * @param f function names
     * @param v variable name to type, one of {@link VariableType#wireName()}
     */
    public record Describe(List<String> f, Map<String, String> v) {
    }

    /** Optional body of {@code PUT /e/{prefix}}: only events from this device. */
    public record SubscribeFilter(String device) {
    }

    /** Body of {@code POST /x}. */
    public record Goodbye(String reason) {
    }
}
