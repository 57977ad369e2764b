package io.corral.cloud.api;

import io.corral.cloud.Cloud;
import io.corral.cloud.testkit.ApiClient;
import io.corral.cloud.testkit.TestCloud;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs each test against a fresh {@link TestCloud} with its HTTP API, its SQLite files in a temp dir; override
 * {@link #configure} to change it.
 */
abstract class ApiCloudTest {
    @TempDir
    Path dataDir;

    TestCloud cloud;
    ApiClient api;

    @BeforeEach
    void startCloud() {
        cloud = TestCloud.builder().dataDir(dataDir).http().configure(this::configure).start();
        api = cloud.api();
    }

    @AfterEach
    void stopCloud() {
        cloud.close();
    }

    Cloud.Builder configure(Cloud.Builder builder) {
        return builder;
    }
}
