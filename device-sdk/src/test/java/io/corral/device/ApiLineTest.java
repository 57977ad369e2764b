package io.corral.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ResolvedModule;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's API line is the module's, not a convention: a program that requires {@code io.corral.device} sees
 * {@code io.corral.device} and the wire contract, and neither the implementation nor the transport below it.
 * Surefire runs these tests on the module path, as the SDK's module, so the module and the path its dependencies
 * resolve to are the ones a user gets.
 */
class ApiLineTest {
    private static final String SDK = "io.corral.device";

    @TempDir
    Path dir;

    @Test
    void the_module_exports_the_api_package_only() {
        Module module = Device.class.getModule();
        assertThat(module.isNamed()).as("the SDK runs as a named module in its tests").isTrue();
        ModuleDescriptor descriptor = module.getDescriptor();
        assertThat(descriptor.name()).isEqualTo(SDK);
        assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly(SDK);
        assertThat(descriptor.exports()).allSatisfy(export -> assertThat(export.isQualified()).isFalse());
        assertThat(descriptor.packages()).contains(SDK + ".internal");
    }

    @Test
    void a_program_that_requires_the_sdk_compiles_against_the_api_and_the_wire_contract() throws IOException {
        String errors = compile("""
                package consumer;

                import io.corral.device.ConnectionListener;
                import io.corral.device.Device;
                import io.corral.device.DeviceCredentials;
                import io.corral.protocol.Limits;

                public class App {
                    public static Device build(DeviceCredentials credentials) {
                        Device device = Device.builder().credentials(credentials).limits(Limits.DEFAULTS).build();
                        device.addConnectionListener(new ConnectionListener() {
                            @Override
                            public void onError(String callback, Throwable error) {
                            }
                        });
                        return device;
                    }
                }
                """);
        assertThat(errors).isEmpty();
    }

    @Test
    void the_implementation_is_a_compile_error_for_a_program_that_requires_the_sdk() throws IOException {
        String errors = compile("""
                package consumer;

                import io.corral.device.internal.CorralDevice;

                public class App {
                    static CorralDevice device;
                }
                """);
        assertThat(errors).contains("package io.corral.device.internal is not visible")
                .contains("does not export it");
    }

    @Test
    void the_transport_below_the_sdk_is_not_visible_through_it() throws IOException {
        String errors = compile("""
                package consumer;

                import org.eclipse.californium.core.coap.Request;

                public class App {
                    static Request request;
                }
                """);
        assertThat(errors).contains("package org.eclipse.californium.core.coap is not visible");
    }

    /** Compiles a one-class module that requires the SDK, with javac; answers javac's errors, empty when none. */
    private String compile(String appSource) throws IOException {
        Path sources = Files.createDirectories(dir.resolve("src"));
        Files.writeString(sources.resolve("module-info.java"), "module consumer { requires " + SDK + "; }\n");
        Path app = Files.createDirectories(sources.resolve("consumer")).resolve("App.java");
        Files.writeString(app, appSource);
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
        StringWriter out = new StringWriter();
        int exit = javac.run(new PrintWriter(out, true), new PrintWriter(out, true),
                "--module-path", modulePath(), "-d", dir.resolve("classes").toString(), "-Xlint:-module",
                sources.resolve("module-info.java").toString(), app.toString());
        String errors = out.toString();
        assertThat(exit == 0).as("javac's exit code agrees with its output: %s", errors)
                .isEqualTo(!errors.contains("error:"));
        return exit == 0 ? "" : errors;
    }

    /** Where the SDK and every module it reads, transitively, were resolved from in this JVM. */
    private static String modulePath() {
        ResolvedModule sdk = ModuleLayer.boot().configuration().findModule(SDK)
                .orElseThrow(() -> new AssertionError(SDK + " is not in the boot layer; run the tests on the module path"));
        Set<String> locations = new LinkedHashSet<>();
        Deque<ResolvedModule> todo = new ArrayDeque<>();
        Set<ResolvedModule> seen = new LinkedHashSet<>();
        todo.add(sdk);
        while (!todo.isEmpty()) {
            ResolvedModule module = todo.remove();
            if (!seen.add(module)) {
                continue;
            }
            module.reference().location().filter(uri -> "file".equals(uri.getScheme()))
                    .map(URI::getPath).ifPresent(locations::add);
            todo.addAll(module.reads());
        }
        return locations.stream().collect(Collectors.joining(File.pathSeparator));
    }
}
