package io.corral.cloud.integrations.sqlite;

import io.corral.cloud.events.Event;
import io.corral.cloud.integrations.model.Attempt;
import io.corral.cloud.integrations.model.Delivery;
import io.corral.cloud.integrations.queue.DeliveryQueue;
import io.corral.cloud.integrations.queue.DeliveryQueueRules;
import io.corral.cloud.integrations.queue.QueueCounts;
import io.corral.cloud.integrations.queue.QueuedDelivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The {@link DeliveryQueue} of {@link SqliteIntegrationDatabase}. Every write is one unit of the database's group
 * commit. A delivery is leasable when it is {@code pending} and its {@code next_at} has passed; leasing moves
 * {@code next_at} to the end of the lease, so a lapsed lease needs no sweeper: the delivery simply falls due again.
 */
final class SqliteDeliveryQueue implements DeliveryQueue {
    static final String EVENT_COLUMNS = "id, name, data, content_format, ttl, published_at, device_id, owner";
    private static final String INSERT_EVENT = "INSERT INTO events (" + EVENT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    // A deleted integration yields no row, so its deliveries are skipped; a paused one's are held from the start.
    private static final String INSERT_DELIVERY = "INSERT INTO deliveries (event_id, integration_id, state, next_at,"
            + " queued_at) SELECT ?, id, CASE paused WHEN 0 THEN 'pending' ELSE 'paused' END, ?, ? FROM integrations"
            + " WHERE id = ?";
    private static final String INSERT_ATTEMPT = "INSERT INTO attempts (integration_id, delivery_id, event_id, attempt,"
            + " at, outcome, status, latency_ms, error, worker) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final SqliteIntegrationDatabase db;
    /** Prepared statements of the write connection; touched by the writer thread only. */
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    SqliteDeliveryQueue(SqliteIntegrationDatabase db) {
        this.db = db;
    }

    private PreparedStatement prepare(Connection c, String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null || statement.isClosed()) {
            statement = c.prepareStatement(sql);
            statements.put(sql, statement);
        }
        return statement;
    }

    @Override
    public CompletableFuture<Void> enqueue(Event event, List<String> integrationIds) {
        if (integrationIds.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<String> ids = List.copyOf(integrationIds);
        long now = db.clock().millis();
        return db.write(c -> {
            PreparedStatement insertEvent = prepare(c, INSERT_EVENT);
            bindEvent(insertEvent, 1, event);
            insertEvent.executeUpdate();
            PreparedStatement insertDelivery = prepare(c, INSERT_DELIVERY);
            for (String id : ids) {
                insertDelivery.setString(1, event.id());
                insertDelivery.setLong(2, now);
                insertDelivery.setLong(3, now);
                insertDelivery.setString(4, id);
                insertDelivery.executeUpdate();
            }
            db.markDeliveriesAdded();
            return null;
        }, true);
    }

    @Override
    public CompletableFuture<List<Delivery>> lease(String worker, int max, Duration leaseTime) {
        return db.write(c -> {
            long now = db.clock().millis();
            long until = now + leaseTime.toMillis();
            List<Object[]> rows = new ArrayList<>();
            PreparedStatement update = prepare(c, "UPDATE deliveries SET lease_owner = ?, next_at = ? WHERE id IN"
                    + " (SELECT id FROM deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?)"
                    + " RETURNING id, event_id, integration_id, failures, first_failure_at, queued_at");
            update.setString(1, worker);
            update.setLong(2, until);
            update.setLong(3, now);
            update.setInt(4, max);
            try (ResultSet rs = update.executeQuery()) {
                while (rs.next()) {
                    long firstFailure = rs.getLong(5);
                    Instant firstFailureAt = rs.wasNull() ? null : Instant.ofEpochMilli(firstFailure);
                    rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            firstFailureAt, Instant.ofEpochMilli(rs.getLong(6))});
                }
            }
            if (rows.isEmpty()) {
                return List.of();
            }
            Map<String, Event> events = loadEvents(c, rows.stream().map(r -> (String) r[1]).distinct().toList());
            List<Delivery> leased = new ArrayList<>(rows.size());
            for (Object[] r : rows) {
                leased.add(new Delivery((Long) r[0], (String) r[2], events.get((String) r[1]), (Integer) r[3],
                        (Instant) r[4], (Instant) r[5], worker, Instant.ofEpochMilli(until)));
            }
            return leased;
        }, false);
    }

    private static Map<String, Event> loadEvents(Connection c, List<String> ids) throws SQLException {
        Map<String, Event> events = new HashMap<>();
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        try (PreparedStatement select = c.prepareStatement("SELECT " + EVENT_COLUMNS + " FROM events WHERE id IN ("
                + marks + ")")) {
            for (int i = 0; i < ids.size(); i++) {
                select.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    Event event = readEvent(rs);
                    events.put(event.id(), event);
                }
            }
        }
        return events;
    }

    @Override
    public CompletableFuture<Boolean> complete(Delivery delivery, Attempt attempt) {
        return db.write(c -> {
            PreparedStatement delete = prepare(c, "DELETE FROM deliveries WHERE id = ? AND lease_owner = ?");
            delete.setLong(1, delivery.id());
            delete.setString(2, delivery.leaseOwner());
            if (delete.executeUpdate() == 0) {
                return false;
            }
            PreparedStatement deleteEvent = prepare(c, "DELETE FROM events WHERE id = ? AND NOT EXISTS"
                    + " (SELECT 1 FROM deliveries WHERE event_id = ?)");
            deleteEvent.setString(1, delivery.event().id());
            deleteEvent.setString(2, delivery.event().id());
            deleteEvent.executeUpdate();
            if (attempt != null) {
                logAttempt(c, attempt);
            }
            return true;
        }, false);
    }

    @Override
    public CompletableFuture<Boolean> retryLater(Delivery delivery, Attempt attempt, Instant nextAt) {
        return recordFailure(delivery, attempt, "pending", nextAt);
    }

    @Override
    public CompletableFuture<Boolean> deadLetter(Delivery delivery, Attempt attempt) {
        return recordFailure(delivery, attempt, "dead", null);
    }

    /**
     * Counts a failed attempt and gives up the lease. A retry keeps the state (pending, or paused if the
     * integration was paused meanwhile); a dead letter records when it died.
     */
    private CompletableFuture<Boolean> recordFailure(Delivery delivery, Attempt attempt, String state, Instant nextAt) {
        boolean dead = state.equals("dead");
        return db.write(c -> {
            PreparedStatement update = prepare(c, "UPDATE deliveries SET state = CASE WHEN ? THEN 'dead' ELSE state"
                    + " END, failures = failures + 1, first_failure_at = coalesce(first_failure_at, ?),"
                    + " next_at = coalesce(?, next_at), dead_at = CASE WHEN ? THEN ? END, lease_owner = NULL,"
                    + " last_error = ?, last_status = ? WHERE id = ? AND lease_owner = ?");
            long at = attempt.at().toEpochMilli();
            update.setBoolean(1, dead);
            update.setLong(2, at);
            if (nextAt == null) {
                update.setNull(3, Types.INTEGER);
            } else {
                update.setLong(3, nextAt.toEpochMilli());
            }
            update.setBoolean(4, dead);
            update.setLong(5, at);
            update.setString(6, DeliveryQueueRules.clipError(attempt.error()));
            setStatus(update, 7, attempt.status());
            update.setLong(8, delivery.id());
            update.setString(9, delivery.leaseOwner());
            if (update.executeUpdate() == 0) {
                return false;
            }
            logAttempt(c, attempt);
            return true;
        }, false);
    }

    @Override
    public CompletableFuture<Boolean> postpone(Delivery delivery, Instant nextAt) {
        return db.write(c -> {
            PreparedStatement update = prepare(c, "UPDATE deliveries SET next_at = ?, lease_owner = NULL"
                    + " WHERE id = ? AND lease_owner = ?");
            update.setLong(1, nextAt.toEpochMilli());
            update.setLong(2, delivery.id());
            update.setString(3, delivery.leaseOwner());
            return update.executeUpdate() == 1;
        }, false);
    }

    @Override
    public CompletableFuture<Integer> releaseLeases(String worker) {
        return db.write(c -> {
            PreparedStatement update = prepare(c, "UPDATE deliveries SET next_at = ?, lease_owner = NULL"
                    + " WHERE lease_owner = ?");
            update.setLong(1, db.clock().millis());
            update.setString(2, worker);
            int released = update.executeUpdate();
            if (released > 0) {
                db.markDeliveriesAdded();
            }
            return released;
        }, false);
    }

    @Override
    public List<String> leaseOwners() {
        return db.read(c -> {
            List<String> owners = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT DISTINCT lease_owner FROM deliveries"
                    + " WHERE lease_owner IS NOT NULL");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    owners.add(rs.getString(1));
                }
            }
            return owners;
        });
    }

    @Override
    public List<Attempt> recentAttempts(String integrationId, int limit) {
        return db.read(c -> {
            List<Attempt> attempts = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT integration_id, delivery_id, event_id, attempt,"
                    + " at, outcome, status, latency_ms, error, worker FROM attempts WHERE integration_id = ?"
                    + " ORDER BY id DESC LIMIT ?")) {
                select.setString(1, integrationId);
                select.setInt(2, limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        int status = rs.getInt(7);
                        Integer statusOrNull = rs.wasNull() ? null : status;
                        attempts.add(new Attempt(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getInt(4),
                                Instant.ofEpochMilli(rs.getLong(5)), Attempt.Outcome.valueOf(rs.getString(6)),
                                statusOrNull, Duration.ofMillis(rs.getLong(8)), rs.getString(9), rs.getString(10)));
                    }
                }
            }
            return attempts;
        });
    }

    @Override
    public List<QueuedDelivery> deadLetters(String integrationId, int limit) {
        return db.read(c -> {
            List<QueuedDelivery> dead = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT d.id, d.integration_id, d.event_id, e.name,"
                    + " e.device_id, d.state, d.failures, d.queued_at, d.last_error, d.last_status, d.dead_at"
                    + " FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.integration_id = ?"
                    + " AND d.state = 'dead' ORDER BY d.dead_at DESC, d.id DESC LIMIT ?")) {
                select.setString(1, integrationId);
                select.setInt(2, limit);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        int status = rs.getInt(10);
                        Integer statusOrNull = rs.wasNull() ? null : status;
                        dead.add(new QueuedDelivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getInt(7), Instant.ofEpochMilli(rs.getLong(8)),
                                null, rs.getString(9), statusOrNull, Instant.ofEpochMilli(rs.getLong(11))));
                    }
                }
            }
            return dead;
        });
    }

    @Override
    public void replay(String integrationId, long deliveryId) {
        db.writeAndWait(c -> {
            String state;
            try (PreparedStatement select = c.prepareStatement("SELECT state FROM deliveries WHERE id = ?"
                    + " AND integration_id = ?")) {
                select.setLong(1, deliveryId);
                select.setString(2, integrationId);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw DeliveryQueueRules.noDelivery(integrationId, deliveryId);
                    }
                    state = rs.getString(1);
                }
            }
            if (!"dead".equals(state)) {
                throw DeliveryQueueRules.notDead(deliveryId, state);
            }
            return revive(c, integrationId, deliveryId);
        });
    }

    @Override
    public int replayAll(String integrationId) {
        return db.writeAndWait(c -> revive(c, integrationId, null));
    }

    /** Dead letters back to pending (or paused), due now, with a fresh retry window and attempt count. */
    private int revive(Connection c, String integrationId, Long deliveryId) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE deliveries SET state = CASE (SELECT paused FROM"
                + " integrations WHERE id = integration_id) WHEN 0 THEN 'pending' ELSE 'paused' END, failures = 0,"
                + " first_failure_at = NULL, dead_at = NULL, next_at = ?, lease_owner = NULL"
                + " WHERE integration_id = ? AND state = 'dead'" + (deliveryId == null ? "" : " AND id = ?"))) {
            update.setLong(1, db.clock().millis());
            update.setString(2, integrationId);
            if (deliveryId != null) {
                update.setLong(3, deliveryId);
            }
            int revived = update.executeUpdate();
            if (revived > 0) {
                db.markDeliveriesAdded();
            }
            return revived;
        }
    }

    @Override
    public Optional<Instant> oldestPending() {
        return db.read(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT min(queued_at) FROM deliveries WHERE state = 'pending'");
                 ResultSet rs = select.executeQuery()) {
                long oldest = rs.next() ? rs.getLong(1) : 0;
                return rs.wasNull() || oldest == 0 ? Optional.<Instant>empty()
                        : Optional.of(Instant.ofEpochMilli(oldest));
            }
        });
    }

    @Override
    public QueueCounts counts(String integrationId) {
        return db.read(c -> {
            long pending = 0;
            long leased = 0;
            long paused = 0;
            long dead = 0;
            try (PreparedStatement select = c.prepareStatement("SELECT state, lease_owner IS NOT NULL AND next_at > ?,"
                    + " count(*) FROM deliveries" + (integrationId == null ? "" : " WHERE integration_id = ?")
                    + " GROUP BY 1, 2")) {
                select.setLong(1, db.clock().millis());
                if (integrationId != null) {
                    select.setString(2, integrationId);
                }
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        long n = rs.getLong(3);
                        switch (rs.getString(1)) {
                            case "pending" -> {
                                if (rs.getBoolean(2)) {
                                    leased += n;
                                } else {
                                    pending += n;
                                }
                            }
                            case "paused" -> paused += n;
                            default -> dead += n;
                        }
                    }
                }
            }
            return new QueueCounts(pending, leased, paused, dead);
        });
    }

    @Override
    public void onEnqueued(Runnable listener) {
        db.addEnqueueListener(listener);
    }

    private void logAttempt(Connection c, Attempt attempt) throws SQLException {
        PreparedStatement insert = prepare(c, INSERT_ATTEMPT);
        insert.setString(1, attempt.integrationId());
        insert.setLong(2, attempt.deliveryId());
        insert.setString(3, attempt.eventId());
        insert.setInt(4, attempt.attempt());
        insert.setLong(5, attempt.at().toEpochMilli());
        insert.setString(6, attempt.outcome().name());
        setStatus(insert, 7, attempt.status());
        insert.setLong(8, attempt.latency().toMillis());
        insert.setString(9, DeliveryQueueRules.clipError(attempt.error()));
        insert.setString(10, attempt.worker());
        insert.executeUpdate();
    }

    private static void setStatus(PreparedStatement statement, int index, Integer status) throws SQLException {
        if (status == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, status);
        }
    }

    static void bindEvent(PreparedStatement statement, int first, Event event) throws SQLException {
        statement.setString(first, event.id());
        statement.setString(first + 1, event.name());
        statement.setBytes(first + 2, event.data());
        statement.setInt(first + 3, event.contentFormat());
        statement.setInt(first + 4, event.ttlSeconds());
        statement.setLong(first + 5, event.publishedAt().toEpochMilli());
        statement.setString(first + 6, event.deviceId());
        statement.setString(first + 7, event.owner());
    }

    static Event readEvent(ResultSet rs) throws SQLException {
        byte[] data = rs.getBytes("data");
        return new Event(rs.getString("id"), rs.getString("name"), data == null ? new byte[0] : data,
                rs.getInt("content_format"), rs.getInt("ttl"), Instant.ofEpochMilli(rs.getLong("published_at")),
                rs.getString("device_id"), rs.getString("owner"));
    }
}
