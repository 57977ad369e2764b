package io.corral.cloud.coap;

import com.fasterxml.jackson.core.type.TypeReference;
import io.corral.cloud.events.EventBus;
import io.corral.protocol.Limits;
import io.corral.protocol.Messages;
import io.corral.protocol.VariableType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live sessions (who said hello, what it described, what it subscribed to) beside the saved DTLS connections,
 * so that after a graceful restart a device whose DTLS connection came back is online at once, with its
 * subscriptions, without saying hello again: its pings never noticed the restart, so it would not.
 */
final class LiveSessionsFile {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSessionsFile.class);
    private static final TypeReference<List<Saved>> LIST = new TypeReference<>() {
    };

    /** One session as written; the address is where cloud-to-device requests go until the device speaks. */
    record Saved(String deviceId, String owner, String since, Messages.Hello hello, List<String> functions,
                 Map<String, String> variables, List<LiveSession.Subscribed> subscriptions, String host, int port) {
    }

    private LiveSessionsFile() {
    }

    static void save(LiveSessions sessions, Path file) throws IOException {
        List<Saved> saved = new ArrayList<>();
        for (LiveSession session : sessions.list()) {
            InetSocketAddress peer = session.context().getPeerAddress();
            Map<String, String> variables = new LinkedHashMap<>();
            session.variables().forEach((name, type) -> variables.put(name, type.wireName()));
            saved.add(new Saved(session.deviceId(), session.owner(), session.since().toString(),
                    new Messages.Hello(session.firmware(), session.product(), session.sdk(), session.features()),
                    session.functions(), variables, session.subscriptions(), peer.getHostString(), peer.getPort()));
        }
        ProfileResource.JSON.writeValue(file.toFile(), saved);
    }

    /**
     * Registers the saved sessions again, with their subscriptions, except for devices that said hello to this
     * cloud already; returns how many.
     */
    static int restore(Path file, LiveSessions sessions, EventBus bus, DeviceCalls calls, Limits limits)
            throws IOException {
        List<Saved> saved = ProfileResource.JSON.readValue(file.toFile(), LIST);
        int restored = 0;
        for (Saved s : saved) {
            LiveSession session = new LiveSession(s.deviceId(), s.owner(), Instant.parse(s.since()), s.hello(),
                    new AddressEndpointContext(new InetSocketAddress(s.host(), s.port())));
            Map<String, VariableType> variables = new LinkedHashMap<>();
            s.variables().forEach((name, type) -> variables.put(name, VariableType.fromWireName(type)));
            session.describe(s.functions(), variables);
            if (!sessions.registerIfAbsent(session)) {
                continue; // the device said hello to this cloud already
            }
            restored++;
            for (LiveSession.Subscribed subscribed : s.subscriptions()) {
                session.subscribe(subscribed, limits.maxSubscriptions(), () -> bus.subscribe(session.owner(),
                        subscribed.prefix(), subscribed.deviceFilter(), event -> calls.deliver(session, event)));
            }
        }
        LOG.info("restored {} of {} live device sessions", restored, saved.size());
        return restored;
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {} ({})", file, e.toString());
        }
    }
}
