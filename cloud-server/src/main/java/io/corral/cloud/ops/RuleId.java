package io.corral.cloud.ops;

/**
 * The built-in alert rules, with their default severity, route and component. The rules that guard against data
 * loss must page: {@link AlertConfig#validate(boolean)} refuses a config that routes one of them elsewhere.
 */
public enum RuleId {
    WORKER_DOWN("worker-down", "Integration worker down or restarting", Component.INTEGRATIONS, true, Route.PAGE),
    FLOW_IMBALANCE("flow-imbalance", "Integration flow imbalance", Component.INTEGRATIONS, true, Route.PAGE),
    DELIVERY_BACKLOG("delivery-backlog", "Delivery backlog", Component.INTEGRATIONS, true, Route.PAGE),
    FILE_DESCRIPTORS("file-descriptors", "File descriptors running out", Component.INTEGRATIONS, true, Route.PAGE),
    WATCHDOG_STALLED("watchdog-stalled", "Periodic task stalled", Component.INTEGRATIONS, true, Route.PAGE),
    DISK_FREE("disk-free", "Disk space running out", Component.INTEGRATIONS, true, Route.PAGE),
    DEVICES_DROP("devices-drop", "Connected devices dropped", Component.DEVICE_CONNECTIVITY, false, Route.PAGE),
    EVENT_TRAFFIC_LOW("event-traffic-low", "Event traffic below baseline", Component.EVENTS_AND_STREAMS, false,
            Route.TICKET),
    ADMISSION_DEFERRING("admission-deferring", "Most device handshakes deferred", Component.DEVICE_CONNECTIVITY,
            false, Route.TICKET),
    API_ERRORS("api-errors", "API answering with server errors", Component.API, false, Route.TICKET),
    NOTIFIER_FAILING("notifier-failing", "Alert notifier failing", Component.API, false, Route.TICKET);

    private final String key;
    private final String title;
    private final Component component;
    private final boolean guardsDataLoss;
    private final Route defaultRoute;

    RuleId(String key, String title, Component component, boolean guardsDataLoss, Route defaultRoute) {
        this.key = key;
        this.title = title;
        this.component = component;
        this.guardsDataLoss = guardsDataLoss;
        this.defaultRoute = defaultRoute;
    }

    /** The name in config files, JSON, PagerDuty dedup keys and Prometheus alert labels. */
    public String key() {
        return key;
    }

    public String title() {
        return title;
    }

    public Component component() {
        return component;
    }

    /** True for the rules whose silence would let acknowledged events be lost: they must page. */
    public boolean guardsDataLoss() {
        return guardsDataLoss;
    }

    public Route defaultRoute() {
        return defaultRoute;
    }

    public Severity defaultSeverity() {
        return defaultRoute.pages() ? Severity.CRITICAL : Severity.WARNING;
    }

    /** The rule with this config key. */
    public static RuleId ofKey(String key) {
        for (RuleId id : values()) {
            if (id.key.equals(key)) {
                return id;
            }
        }
        throw new IllegalArgumentException("no alert rule named '" + key + "'");
    }
}
