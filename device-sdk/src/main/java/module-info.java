/**
 * The Corral device SDK. Its API is {@code io.corral.device}, and only that package is exported: the
 * implementation in {@code io.corral.device.internal} (Californium, Bouncy Castle) is out of users' reach, a
 * compile error rather than a convention. Start with {@link io.corral.device.Device#builder()}.
 *
 * <p>The SDK also works on the class path, which is how the simulator, the benchmarks and the cloud's tests use it.
 */
module io.corral.device {
    exports io.corral.device;

    // The API speaks the wire contract (Device.Builder#limits takes a Limits), so users read it too.
    requires transitive io.corral.protocol;

    // Californium 3 ships neither module descriptors nor Automatic-Module-Name entries: these are the names Java
    // derives from the jar file names, californium-core-*.jar and element-connector-*.jar. Maven warns about
    // requiring such names; the warning is expected until Californium names its modules.
    requires californium.core;
    requires element.connector;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.tls;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    // The session file is a package-private record that Jackson reads and writes by reflection.
    opens io.corral.device.internal to com.fasterxml.jackson.databind;
}
