package io.corral.cloud.api;

import io.corral.cloud.registry.DeviceRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A device as {@code GET /v1/devices} shows it. Firmware, product, functions and variables come from the live
 * session, so they are known while the device is online only.
 */
record DeviceView(String id, String name, String owner, boolean online, String lastHeard, String lastHandshakeAt,
                  String firmware, String product, List<String> functions, Map<String, String> variables) {

    static DeviceView of(DeviceRecord device, Optional<DevicePresence> presence) {
        DevicePresence live = presence.orElse(null);
        return new DeviceView(device.id(), device.name(), device.owner(), live != null, Json.time(device.lastSeen()),
                live == null ? null : Json.time(live.connectedSince()), live == null ? null : live.firmware(),
                live == null ? null : live.product(), live == null ? List.of() : live.functions(),
                live == null ? Map.of() : live.variables());
    }
}
