package io.corral.cloud.api;

import io.corral.cloud.Cloud;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Runs each test against a fresh {@link ApiCloud} in a temp dir; override {@link #configure} to change it. */
abstract class ApiCloudTest {
    @TempDir
    Path dataDir;

    ApiCloud api;

    @BeforeEach
    void startCloud() {
        api = new ApiCloud(dataDir, this::configure);
    }

    @AfterEach
    void stopCloud() {
        api.close();
    }

    Cloud.Builder configure(Cloud.Builder builder) {
        return builder;
    }
}
