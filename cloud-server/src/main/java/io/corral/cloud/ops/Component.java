package io.corral.cloud.ops;

/** The parts of the cloud the status page reports on; each alert rule belongs to one. */
public enum Component {
    DEVICE_CONNECTIVITY("Device connectivity"),
    EVENTS_AND_STREAMS("Events and streams"),
    INTEGRATIONS("Integrations"),
    API("API");

    private final String title;

    Component(String title) {
        this.title = title;
    }

    /** The name people read on the status page. */
    public String title() {
        return title;
    }
}
