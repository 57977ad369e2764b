package io.corral.cloud.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parts close newest first, and one that fails to close does not keep the others open. */
class CloseStackTest {
    private final List<String> closed = new ArrayList<>();

    @Test
    void a_part_that_throws_on_close_does_not_stop_the_others_from_closing() {
        CloseStack stack = new CloseStack();
        AutoCloseable storage = () -> closed.add("storage");
        AutoCloseable endpoint = () -> {
            closed.add("endpoint");
            throw new IOException("socket already gone");
        };
        AutoCloseable api = () -> {
            closed.add("api");
            throw new IllegalStateException("stuck");
        };
        stack.push("storage", storage);
        stack.push("endpoint", endpoint);
        stack.push("api", api);

        stack.close();

        assertThat(closed).containsExactly("api", "endpoint", "storage");
    }

    @Test
    void each_part_closes_once_and_parts_pushed_later_close_at_the_next_close() {
        CloseStack stack = new CloseStack();
        AutoCloseable first = () -> closed.add("first");
        AutoCloseable second = () -> closed.add("second");
        stack.push("first", first);
        stack.close();
        stack.close();
        stack.push("second", second);
        stack.close();

        assertThat(closed).containsExactly("first", "second");
    }
}
