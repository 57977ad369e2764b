package io.corral.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.registry.AccessToken.State;
import io.corral.cloud.registry.RegistryException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteTokenStoreTest {
    @TempDir
    Path dataDir;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private SqliteTokenStore open() {
        SqliteTokenStore store = SqliteTokenStore.open(dataDir);
        opened.add(store);
        return store;
    }

    @Test
    void a_created_token_is_43_base64url_characters_and_authenticates_as_its_owner() {
        TokenStore tokens = open();

        TokenStore.Issued issued = tokens.create("alice", false, null);

        assertThat(issued.token()).matches("[A-Za-z0-9_-]{43}");
        assertThat(issued.record().id()).matches("[0-9a-f]{16}");
        assertThat(issued.toString()).doesNotContain(issued.token());
        AccessToken used = tokens.use(issued.token(), Instant.now()).orElseThrow();
        assertThat(used.owner()).isEqualTo("alice");
        assertThat(used.admin()).isFalse();
        assertThat(used.stateAt(Instant.now())).isEqualTo(State.ACTIVE);
    }

    @Test
    void creating_a_token_creates_its_owner() {
        open().create("bob", true, null);

        try (SqliteDeviceRegistry registry = SqliteDeviceRegistry.open(dataDir)) {
            assertThat(registry.owners()).containsExactly("bob");
        }
    }

    @Test
    void the_database_holds_only_the_sha256_of_a_token_never_the_token() throws Exception {
        TokenStore.Issued issued = open().create("alice", false, null);
        closeAll();
        opened.clear();

        byte[] file = Files.readAllBytes(dataDir.resolve("corral.db"));
        byte[] wal = Files.exists(dataDir.resolve("corral.db-wal")) ? Files.readAllBytes(dataDir.resolve("corral.db-wal")) : new byte[0];
        String everything = new String(file, StandardCharsets.ISO_8859_1) + new String(wal, StandardCharsets.ISO_8859_1);
        assertThat(everything).doesNotContain(issued.token());
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(issued.token().getBytes(StandardCharsets.US_ASCII));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("corral.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM access_tokens")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBytes("sha256")).isEqualTo(expected);
            for (int column = 1; column <= rs.getMetaData().getColumnCount(); column++) {
                assertThat(String.valueOf(rs.getObject(column))).doesNotContain(issued.token());
            }
            assertThat(rs.next()).isFalse();
        }
        assertThat(HexFormat.of().formatHex(expected)).hasSize(64);
    }

    @Test
    void unknown_and_malformed_tokens_find_nothing() {
        TokenStore tokens = open();
        tokens.create("alice", false, null);

        assertThat(tokens.use("A".repeat(43), Instant.now())).isEmpty();
        assertThat(tokens.use("short", Instant.now())).isEmpty();
        assertThat(tokens.use(null, Instant.now())).isEmpty();
    }

    @Test
    void a_revoked_token_is_reported_revoked_and_revoking_again_changes_nothing() {
        TokenStore tokens = open();
        TokenStore.Issued issued = tokens.create("alice", false, null);

        AccessToken revoked = tokens.revoke(issued.record().id());
        AccessToken again = tokens.revoke(issued.record().id());

        assertThat(revoked.revokedAt()).isNotNull();
        assertThat(again.revokedAt()).isEqualTo(revoked.revokedAt());
        assertThat(tokens.use(issued.token(), Instant.now()).orElseThrow().stateAt(Instant.now())).isEqualTo(State.REVOKED);
    }

    @Test
    void a_token_revoked_by_another_process_is_refused_at_its_next_use() {
        TokenStore running = open();
        TokenStore.Issued issued = running.create("alice", false, null);
        assertThat(running.use(issued.token(), Instant.now()).orElseThrow().stateAt(Instant.now())).isEqualTo(State.ACTIVE);

        try (SqliteTokenStore cli = SqliteTokenStore.open(dataDir)) {
            cli.revoke(issued.record().id());
        }

        assertThat(running.use(issued.token(), Instant.now()).orElseThrow().stateAt(Instant.now())).isEqualTo(State.REVOKED);
    }

    @Test
    void a_token_past_its_expiry_is_reported_expired() {
        TokenStore tokens = open();
        Instant expiry = Instant.now().plus(Duration.ofHours(1));
        TokenStore.Issued issued = tokens.create("alice", false, expiry);

        AccessToken token = tokens.use(issued.token(), Instant.now()).orElseThrow();

        assertThat(token.stateAt(expiry.minusMillis(1))).isEqualTo(State.ACTIVE);
        assertThat(token.stateAt(expiry)).isEqualTo(State.EXPIRED);
    }

    @Test
    void an_expiry_in_the_past_is_rejected() {
        assertThatThrownBy(() -> open().create("alice", false, Instant.parse("2020-01-01T00:00:00Z")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_INPUT))
                .hasMessageStartingWith("token expiry must be in the future, was 2020-01-01T00:00:00Z (now is ");
    }

    @Test
    void a_malformed_owner_is_rejected_with_the_allowed_form() {
        assertThatThrownBy(() -> open().create("no spaces", false, null))
                .hasMessage("owner name must be 1..64 characters of [A-Za-z0-9._@-], was 'no spaces'");
    }

    @Test
    void last_use_is_recorded_at_most_once_per_resolution() {
        TokenStore tokens = open();
        TokenStore.Issued issued = tokens.create("alice", false, null);
        Instant t0 = Instant.now();

        tokens.use(issued.token(), t0);
        tokens.use(issued.token(), t0.plusSeconds(10));
        Instant firstRecorded = tokens.findById(issued.record().id()).orElseThrow().lastUsed();
        tokens.use(issued.token(), t0.plus(TokenStore.LAST_USED_RESOLUTION));

        assertThat(firstRecorded).isEqualTo(t0.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(tokens.findById(issued.record().id()).orElseThrow().lastUsed())
                .isEqualTo(t0.plus(TokenStore.LAST_USED_RESOLUTION).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    @Test
    void tokens_are_listed_per_owner_and_all_in_creation_order() {
        TokenStore tokens = open();
        AccessToken a1 = tokens.create("alice", false, null).record();
        AccessToken b1 = tokens.create("bob", true, null).record();
        AccessToken a2 = tokens.create("alice", true, null).record();

        assertThat(tokens.listByOwner("alice")).extracting(AccessToken::id).containsExactly(a1.id(), a2.id());
        assertThat(tokens.listByOwner("carol")).isEmpty();
        assertThat(tokens.listAll()).extracting(AccessToken::id).containsExactly(a1.id(), b1.id(), a2.id());
        assertThat(tokens.listAll()).extracting(AccessToken::admin).containsExactly(false, true, true);
    }

    @Test
    void revoking_an_unknown_id_is_not_found() {
        assertThatThrownBy(() -> open().revoke("0123456789abcdef"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                .hasMessage("no access token has id '0123456789abcdef'");
    }

    @Test
    void tokens_survive_close_and_reopen() throws Exception {
        TokenStore.Issued issued = open().create("alice", false, null);
        closeAll();
        opened.clear();

        assertThat(open().use(issued.token(), Instant.now())).map(AccessToken::owner).contains("alice");
    }
}
