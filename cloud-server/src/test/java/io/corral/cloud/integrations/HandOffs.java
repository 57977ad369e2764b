package io.corral.cloud.integrations;

import io.corral.cloud.events.Event;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Hands events to the integrations as a device's publish would, and waits until they are durable. */
public final class HandOffs {
    private HandOffs() {
    }

    /** {@code n} events named {@code temp} of owner {@code alice}; returns their ids once all are committed. */
    public static Set<String> temperatures(Integrations integrations, int n) {
        Set<String> ids = new HashSet<>();
        List<CompletableFuture<Void>> commits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event event = Event.create("temp", ("" + i).getBytes(StandardCharsets.UTF_8), Event.TEXT_PLAIN, 60,
                    "0123456789abcdef01234567", "alice");
            ids.add(event.id());
            commits.add(integrations.handOff(event));
        }
        CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).join();
        return ids;
    }
}
