package io.corral.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.registry.AccessToken.State;
import io.corral.cloud.registry.RegistryException.Reason;
import io.corral.cloud.storage.Storage;
import io.corral.cloud.storage.StorageContract;
import io.corral.cloud.testkit.Race;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TokenStore} must do. An implementation's test extends this and opens its {@link Storage};
 * the tests use its {@link Storage#tokens()} (and its registry, which shares the owners).
 */
public abstract class TokenStoreContract extends StorageContract {
    protected TokenStore tokens;

    @BeforeEach
    void openTokens() {
        tokens = storage.tokens();
    }

    private static State stateNow(AccessToken token) {
        return token.stateAt(Instant.now());
    }

    @Test
    void a_created_token_is_43_base64url_characters_and_authenticates_as_its_owner() {
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
        tokens.create("bob", true, null);

        assertThat(storage.registry().owners()).containsExactly("bob");
    }

    @Test
    void unknown_and_malformed_tokens_find_nothing() {
        tokens.create("alice", false, null);

        assertThat(tokens.use("A".repeat(43), Instant.now())).isEmpty();
        assertThat(tokens.use("short", Instant.now())).isEmpty();
        assertThat(tokens.use(null, Instant.now())).isEmpty();
        assertThat(tokens.findById("0123456789abcdef")).isEmpty();
        assertThat(tokens.findById(null)).isEmpty();
    }

    @Test
    void a_revoked_token_is_reported_revoked_and_revoking_again_changes_nothing() {
        TokenStore.Issued issued = tokens.create("alice", false, null);

        AccessToken revoked = tokens.revoke(issued.record().id());
        AccessToken again = tokens.revoke(issued.record().id());

        assertThat(revoked.revokedAt()).isNotNull();
        assertThat(again.revokedAt()).isEqualTo(revoked.revokedAt());
        assertThat(tokens.use(issued.token(), Instant.now()).orElseThrow().stateAt(Instant.now())).isEqualTo(State.REVOKED);
    }

    @Test
    void revoking_one_token_leaves_the_owners_other_tokens_working() {
        TokenStore.Issued kept = tokens.create("alice", false, null);
        TokenStore.Issued revoked = tokens.create("alice", false, null);

        tokens.revoke(revoked.record().id());

        assertThat(tokens.use(kept.token(), Instant.now()).map(TokenStoreContract::stateNow)).hasValue(State.ACTIVE);
        assertThat(tokens.findById(revoked.record().id()).map(TokenStoreContract::stateNow)).hasValue(State.REVOKED);
        assertThat(tokens.listByOwner("alice")).extracting(TokenStoreContract::stateNow)
                .containsExactly(State.ACTIVE, State.REVOKED);
    }

    @Test
    void a_revoked_token_records_no_more_uses() {
        TokenStore.Issued issued = tokens.create("alice", false, null);
        tokens.revoke(issued.record().id());

        tokens.use(issued.token(), Instant.now());

        assertThat(tokens.findById(issued.record().id()).orElseThrow().lastUsed()).isNull();
    }

    @Test
    void a_token_past_its_expiry_is_reported_expired() {
        Instant expiry = Instant.now().plus(Duration.ofHours(1));
        TokenStore.Issued issued = tokens.create("alice", false, expiry);

        AccessToken token = tokens.use(issued.token(), Instant.now()).orElseThrow();

        assertThat(token.stateAt(expiry.minusMillis(1))).isEqualTo(State.ACTIVE);
        assertThat(token.stateAt(expiry)).isEqualTo(State.EXPIRED);
    }

    @Test
    void an_expiry_in_the_past_is_rejected() {
        assertThatThrownBy(() -> tokens.create("alice", false, Instant.parse("2020-01-01T00:00:00Z")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_INPUT))
                .hasMessageStartingWith("token expiry must be in the future, was 2020-01-01T00:00:00Z (now is ");
    }

    @Test
    void a_malformed_owner_is_rejected_with_the_allowed_form() {
        assertThatThrownBy(() -> tokens.create("no spaces", false, null))
                .hasMessage("owner name must be 1..64 characters of [A-Za-z0-9._@-], was 'no spaces'");
    }

    @Test
    void last_use_is_recorded_at_most_once_per_resolution() {
        TokenStore.Issued issued = tokens.create("alice", false, null);
        Instant t0 = Instant.now();

        tokens.use(issued.token(), t0);
        tokens.use(issued.token(), t0.plusSeconds(10));
        Instant firstRecorded = tokens.findById(issued.record().id()).orElseThrow().lastUsed();
        tokens.use(issued.token(), t0.plus(TokenStore.LAST_USED_RESOLUTION));

        assertThat(firstRecorded).isEqualTo(t0.truncatedTo(ChronoUnit.MILLIS));
        assertThat(tokens.findById(issued.record().id()).orElseThrow().lastUsed())
                .isEqualTo(t0.plus(TokenStore.LAST_USED_RESOLUTION).truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void tokens_are_listed_per_owner_and_all_in_creation_order() {
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
        assertThatThrownBy(() -> tokens.revoke("0123456789abcdef"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                .hasMessage("no access token has id '0123456789abcdef'");
    }

    // ---- two writers on the same record ----

    @Test
    void two_writers_revoking_one_token_at_once_agree_on_when_it_was_revoked() {
        for (int round = 0; round < 20; round++) {
            TokenStore.Issued issued = tokens.create("alice", false, null);

            List<Race.Outcome<AccessToken>> outcomes = Race.run(2, racer -> tokens.revoke(issued.record().id()));

            assertThat(outcomes).allMatch(Race.Outcome::succeeded);
            Instant revokedAt = tokens.findById(issued.record().id()).orElseThrow().revokedAt();
            assertThat(outcomes).extracting(o -> o.value().revokedAt()).containsOnly(revokedAt);
        }
    }

    @Test
    void a_token_used_while_it_is_revoked_is_refused_from_then_on() {
        for (int round = 0; round < 20; round++) {
            TokenStore.Issued issued = tokens.create("alice", false, null);
            Instant now = Instant.now();

            List<Race.Outcome<State>> outcomes = Race.run(2, racer -> racer == 0
                    ? tokens.revoke(issued.record().id()).stateAt(now)
                    : tokens.use(issued.token(), now).orElseThrow().stateAt(now));

            assertThat(outcomes).allMatch(Race.Outcome::succeeded);
            assertThat(outcomes.get(1).value()).isIn(State.ACTIVE, State.REVOKED);
            assertThat(tokens.use(issued.token(), now).orElseThrow().stateAt(now)).isEqualTo(State.REVOKED);
        }
    }

    @Test
    void two_requests_using_one_token_at_once_both_authenticate_and_record_the_use() {
        TokenStore.Issued issued = tokens.create("alice", false, null);
        Instant t0 = Instant.now();

        Race.repeat(2, 100, (racer, round) -> assertThat(tokens.use(issued.token(), t0.plusMillis(round))
                .map(t -> t.stateAt(t0))).hasValue(State.ACTIVE));

        // Which of the racing first uses is recorded depends on the interleaving; that one is, is the contract.
        assertThat(tokens.findById(issued.record().id()).orElseThrow().lastUsed())
                .isBetween(t0.truncatedTo(ChronoUnit.MILLIS), t0.plusMillis(99));
    }

    @Test
    void tokens_created_at_once_are_all_kept_with_ids_of_their_own() {
        Race.repeat(4, 25, (racer, round) -> tokens.create("owner-" + racer, false, null));

        assertThat(tokens.listAll()).hasSize(100).extracting(AccessToken::id).doesNotHaveDuplicates();
        assertThat(tokens.listByOwner("owner-3")).hasSize(25);
    }

    @Test
    void a_closed_store_refuses_calls() {
        tokens.close();
        tokens.close(); // idempotent

        assertThatThrownBy(tokens::listAll).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("token store ").hasMessageEndingWith(" is closed");
    }
}
