package io.corral.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.corral.cloud.registry.RegistryException.Reason;
import io.corral.cloud.storage.StorageContract;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link UserStore} must do: users and OAuth clients, their hashed secrets, the input rules and the
 * errors. An implementation's test extends this and opens its storage.
 */
public abstract class UserStoreContract extends StorageContract {
    private static final String PASSWORD = "correct horse battery";
    protected UserStore users;

    @BeforeEach
    void openUsers() {
        users = storage.users();
    }

    @Test
    void a_user_authenticates_with_its_password_only() {
        User created = users.create("alice", PASSWORD);

        assertThat(users.authenticate("alice", PASSWORD)).hasValue(created);
        assertThat(users.authenticate("alice", "correct horse batterY")).isEmpty();
        assertThat(users.authenticate("alice", null)).isEmpty();
        assertThat(users.authenticate("bob", PASSWORD)).isEmpty();
        assertThat(users.authenticate("no spaces", PASSWORD)).isEmpty();
        assertThat(users.authenticate(null, PASSWORD)).isEmpty();
    }

    @Test
    void creating_a_user_creates_its_owner_and_tokens_share_it() {
        users.create("alice", PASSWORD);
        storage.tokens().create("alice", false, null);

        assertThat(storage.registry().owners()).containsExactly("alice");
        assertThat(users.find("alice")).hasValueSatisfying(u -> assertThat(u.username()).isEqualTo("alice"));
    }

    @Test
    void a_user_can_be_made_for_an_owner_that_already_has_devices_or_tokens() {
        storage.tokens().create("alice", false, null);

        users.create("alice", PASSWORD);

        assertThat(users.list()).extracting(User::username).containsExactly("alice");
    }

    @Test
    void a_second_user_of_the_same_name_is_a_conflict() {
        users.create("alice", PASSWORD);

        assertThatThrownBy(() -> users.create("alice", "another password"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT))
                .hasMessageStartingWith("user 'alice' already exists");
    }

    @Test
    void a_new_password_replaces_the_old_one() {
        User created = users.create("alice", PASSWORD);

        User changed = users.setPassword("alice", "a brand new password");

        assertThat(users.authenticate("alice", PASSWORD)).isEmpty();
        assertThat(users.authenticate("alice", "a brand new password")).hasValue(changed);
        assertThat(changed.created()).isEqualTo(created.created());
        assertThat(changed.passwordChanged()).isAfterOrEqualTo(created.passwordChanged());
    }

    @Test
    void a_deleted_user_cannot_log_in_and_its_owner_stays() {
        users.create("alice", PASSWORD);

        users.delete("alice");

        assertThat(users.authenticate("alice", PASSWORD)).isEmpty();
        assertThat(users.find("alice")).isEmpty();
        assertThat(storage.registry().owners()).containsExactly("alice");
        assertThatThrownBy(() -> users.delete("alice"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                .hasMessage("no user 'alice'");
        assertThatThrownBy(() -> users.setPassword("alice", PASSWORD)).hasMessage("no user 'alice'");
    }

    @Test
    void bad_usernames_and_passwords_are_refused_naming_the_field_and_range_without_echoing_the_password() {
        assertThatThrownBy(() -> users.create("no spaces", PASSWORD))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_INPUT))
                .hasMessage("username must be 1..64 characters of [A-Za-z0-9._@-], was 'no spaces'");
        assertThatThrownBy(() -> users.create("alice", "short7!"))
                .hasMessage("password must be 8..1024 characters, was 7 characters");
        assertThatThrownBy(() -> users.create("alice", "x".repeat(1025)))
                .hasMessage("password must be 8..1024 characters, was 1025 characters");
        assertThat(users.list()).isEmpty();
        assertThat(storage.registry().owners()).isEmpty();
    }

    @Test
    void an_oauth_client_authenticates_with_its_secret_and_names_its_owner() {
        String secret = TokenSecrets.newToken();
        OAuthClient created = users.createClient("ci-bot", secret, "alice");

        assertThat(created.owner()).isEqualTo("alice");
        assertThat(users.authenticateClient("ci-bot", secret)).hasValue(created);
        assertThat(users.authenticateClient("ci-bot", secret + "x")).isEmpty();
        assertThat(users.authenticateClient("other", secret)).isEmpty();
        assertThat(users.findClient("ci-bot")).hasValue(created);
        assertThat(storage.registry().owners()).containsExactly("alice");
    }

    @Test
    void a_client_without_owner_is_kept_so_and_clients_are_listed_and_deleted() {
        users.createClient("b-app", "a chosen secret of 16+", null);
        users.createClient("a-app", TokenSecrets.newToken(), "alice");

        assertThat(users.listClients()).extracting(OAuthClient::id).containsExactly("a-app", "b-app");
        assertThat(users.findClient("b-app").orElseThrow().owner()).isNull();

        users.deleteClient("b-app");

        assertThat(users.listClients()).extracting(OAuthClient::id).containsExactly("a-app");
        assertThatThrownBy(() -> users.deleteClient("b-app"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
                .hasMessage("no OAuth client 'b-app'");
    }

    @Test
    void bad_client_ids_and_secrets_and_taken_ids_are_refused() {
        users.createClient("app", TokenSecrets.newToken(), null);

        assertThatThrownBy(() -> users.createClient("app", TokenSecrets.newToken(), null))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT))
                .hasMessage("OAuth client 'app' already exists");
        assertThatThrownBy(() -> users.createClient("a/b", TokenSecrets.newToken(), null))
                .hasMessage("client id must be 1..64 characters of [A-Za-z0-9._-], was 'a/b'");
        assertThatThrownBy(() -> users.createClient("other", "too short", null))
                .hasMessage("client secret must be 16..1024 characters, was 9 characters");
        assertThatThrownBy(() -> users.createClient("other", TokenSecrets.newToken(), "no spaces"))
                .hasMessage("owner name must be 1..64 characters of [A-Za-z0-9._@-], was 'no spaces'");
    }

    @Test
    void a_token_issued_to_a_client_records_it() {
        TokenStore.Issued issued = storage.tokens().create("alice", false, null, "particle-api");

        assertThat(issued.record().client()).isEqualTo("particle-api");
        assertThat(storage.tokens().use(issued.token(), Instant.now()).orElseThrow().client()).isEqualTo("particle-api");
        assertThat(storage.tokens().create("alice", false, null).record().client()).isNull();
    }
}
