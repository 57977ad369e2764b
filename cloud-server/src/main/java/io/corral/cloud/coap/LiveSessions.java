package io.corral.cloud.coap;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.californium.elements.EndpointContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which devices are connected right now, and where: device id to {@link LiveSession}.
 *
 * <p>A hello registers a session and replaces (and closes) the device's previous one; a goodbye, a DTLS
 * close_notify, the removal of the DTLS connection, or a send that finds the connection gone removes it. An entry can still go stale between
 * those moments (a device that vanishes without a goodbye keeps its entry until Scandium evicts the
 * connection); a request sent to a stale entry fails fast as offline and removes the entry.
 *
 * <p>A device that sends neither a request nor a keepalive ping for longer than the silence limit is offline
 * too: {@link #expireSilent} ends its session. Every session that starts through {@link #register} or
 * {@link #registerImplied} and every one that ends through {@link #remove} (whatever the cause) is reported to
 * the {@link Listener}; sessions restored after a restart and those dropped when the cloud stops are not, since
 * their devices neither came nor went.
 *
 * <p>Thread-safe and lock-free for readers.
 */
public final class LiveSessions {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSessions.class);

    /** Hears sessions start and end; called on the thread that started or ended them, so it must not block. */
    interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void online(LiveSession session) {
            }

            @Override
            public void offline(LiveSession session) {
            }
        };

        void online(LiveSession session);

        void offline(LiveSession session);
    }

    private final Listener listener;
    private final ConcurrentHashMap<String, LiveSession> byDevice = new ConcurrentHashMap<>();
    /**
     * Best-effort index by peer address, so a close_notify (which Scandium reports by address only) can end its
     * session without a scan. A miss is harmless: the next send to the stale session removes it.
     */
    private final ConcurrentHashMap<InetSocketAddress, LiveSession> byAddress = new ConcurrentHashMap<>();

    LiveSessions() {
        this(Listener.NONE);
    }

    LiveSessions(Listener listener) {
        this.listener = listener;
    }

    /** The device's live session, if it is connected. */
    public Optional<LiveSession> find(String deviceId) {
        return deviceId == null ? Optional.empty() : Optional.ofNullable(byDevice.get(deviceId));
    }

    public boolean isOnline(String deviceId) {
        return deviceId != null && byDevice.containsKey(deviceId);
    }

    /** Number of live sessions. */
    public int size() {
        return byDevice.size();
    }

    /** A snapshot of all live sessions, by device id. */
    public List<LiveSession> list() {
        List<LiveSession> all = new ArrayList<>(byDevice.values());
        all.sort(Comparator.comparing(LiveSession::deviceId));
        return all;
    }

    /** Registers the session, closing the device's previous one (its subscriptions end with it). */
    void register(LiveSession session) {
        LiveSession previous = byDevice.put(session.deviceId(), session);
        if (previous != null && previous != session) {
            byAddress.remove(previous.context().getPeerAddress(), previous);
            previous.close();
        }
        byAddress.put(session.context().getPeerAddress(), session);
        report(session, true);
    }

    /**
     * Registers the session of an implied hello unless the device has a session already (an explicit hello, or a
     * concurrent implied one, won the race).
     *
     * @return the device's session: this one, or the one that was there first
     */
    LiveSession registerImplied(LiveSession session) {
        LiveSession present = byDevice.putIfAbsent(session.deviceId(), session);
        if (present != null) {
            return present;
        }
        byAddress.put(session.context().getPeerAddress(), session);
        report(session, true);
        return session;
    }

    /** Marks the device as heard from now, for the keepalive watch; a device without a session is ignored. */
    void heard(String deviceId) {
        LiveSession session = byDevice.get(deviceId);
        if (session != null) {
            session.heard();
        }
    }

    /**
     * Ends every session not heard from for longer than {@code silenceNanos} before {@code nowNanos}
     * ({@link System#nanoTime} time).
     *
     * @return how many ended
     */
    int expireSilent(long nowNanos, long silenceNanos) {
        int expired = 0;
        for (LiveSession session : byDevice.values()) {
            if (nowNanos - session.lastHeardNanos() > silenceNanos && remove(session)) {
                LOG.debug("{} went silent for longer than {} s: offline", session,
                        TimeUnit.NANOSECONDS.toSeconds(silenceNanos));
                expired++;
            }
        }
        return expired;
    }

    /**
     * Registers a session restored after a restart, unless the device already said hello to this cloud: a fresh
     * session always wins over a restored one.
     *
     * @return whether it was registered
     */
    boolean registerIfAbsent(LiveSession session) {
        if (byDevice.putIfAbsent(session.deviceId(), session) != null) {
            return false;
        }
        byAddress.putIfAbsent(session.context().getPeerAddress(), session);
        return true;
    }

    /** Points the session at the context of the device's latest request, following address changes. */
    void updateContext(LiveSession session, EndpointContext latest) {
        InetSocketAddress before = session.context().getPeerAddress();
        session.updateContext(latest);
        InetSocketAddress after = latest.getPeerAddress();
        if (!after.equals(before)) {
            byAddress.remove(before, session);
            if (byDevice.get(session.deviceId()) == session) {
                byAddress.put(after, session);
            }
        }
    }

    /** Removes exactly this session, not a newer one of the same device. */
    boolean remove(LiveSession session) {
        if (removeQuietly(session)) {
            report(session, false);
            return true;
        }
        return false;
    }

    private boolean removeQuietly(LiveSession session) {
        if (byDevice.remove(session.deviceId(), session)) {
            byAddress.remove(session.context().getPeerAddress(), session);
            session.close();
            return true;
        }
        return false;
    }

    private void report(LiveSession session, boolean online) {
        try {
            if (online) {
                listener.online(session);
            } else {
                listener.offline(session);
            }
        } catch (RuntimeException e) {
            // The session table must stay right even when the news of it cannot be published.
            LOG.warn("could not report {} {}: {}", session, online ? "online" : "offline", e.toString());
        }
    }

    /** Removes the session whose device was last heard from at this address, if any. */
    void removeByAddress(InetSocketAddress address) {
        LiveSession session = byAddress.get(address);
        if (session != null) {
            remove(session);
        }
    }

    /** Removes the device's session if {@code stale} says it belongs to a connection that is gone. */
    void removeIf(String deviceId, Predicate<LiveSession> stale) {
        LiveSession session = byDevice.get(deviceId);
        if (session != null && stale.test(session)) {
            remove(session);
        }
    }

    /** Drops every session as the cloud stops; not reported, as the devices did not leave (they may resume). */
    void closeAll() {
        for (LiveSession session : byDevice.values()) {
            removeQuietly(session);
        }
    }
}
