package io.corral.cloud.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the cloud knows about a connected device from its live session.
 *
 * @param connectedSince when the device last said hello (the end of its last handshake)
 * @param firmware       firmware version from the hello; may be null
 * @param product        product from the hello; may be null
 * @param functions      function names from the device's latest describe
 * @param variables      variable names to their types ({@code int}, {@code double}, {@code bool}, {@code string})
 */
public record DevicePresence(Instant connectedSince, String firmware, String product, List<String> functions,
                             Map<String, String> variables) {

    public DevicePresence {
        functions = List.copyOf(functions);
        variables = Map.copyOf(variables);
    }
}
