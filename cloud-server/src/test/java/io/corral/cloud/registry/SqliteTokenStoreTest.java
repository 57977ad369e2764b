package io.corral.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.registry.AccessToken.State;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the SQLite token store has: the file holds hashes only, other processes, restarts. */
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
    void tokens_survive_close_and_reopen() throws Exception {
        TokenStore.Issued issued = open().create("alice", false, null);
        closeAll();
        opened.clear();

        assertThat(open().use(issued.token(), Instant.now())).map(AccessToken::owner).contains("alice");
    }
}
