package io.corral.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.corral.cloud.testkit.TestCloud;
import io.corral.cloud.testkit.TestDevice;
import org.eclipse.californium.core.coap.CoAP.Code;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.CoAP.Type;
import org.eclipse.californium.core.coap.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Subscriptions route events between devices of one owner, and never across owners. "Not delivered" is shown
 * without waiting for silence: a later marker event must be the next delivery a device sees.
 */
class EventRoutingTest {
    private TestCloud cloud;
    private TestDevice publisher;
    private TestDevice subscriber;
    private TestDevice stranger;

    @BeforeEach
    void connect() throws Exception {
        cloud = TestCloud.builder().memory().start();
        publisher = cloud.pskDevice("alice");
        subscriber = cloud.rpkDevice("alice");
        stranger = cloud.pskDevice("bob");
        publisher.hello();
        subscriber.hello();
        stranger.hello();
    }

    @AfterEach
    void stopCloud() {
        cloud.close();
    }

    private static String path(Request request) {
        return request.getOptions().getUriPathString();
    }

    @Test
    void event_reaches_a_subscribed_device_of_the_same_owner_with_its_source() throws Exception {
        assertThat(subscriber.put("e/temp", null).getCode()).isEqualTo(ResponseCode.CREATED);
        assertThat(stranger.put("e/temp", null).getCode()).isEqualTo(ResponseCode.CREATED);
        assertThat(stranger.put("e/marker", null).getCode()).isEqualTo(ResponseCode.CREATED);

        publisher.request(Code.POST, "E/temp/kitchen", "21.5".getBytes(), options -> options.setMaxAge(120));

        Request delivered = subscriber.nextDelivery();
        assertThat(delivered).isNotNull();
        assertThat(path(delivered)).isEqualTo("E/temp/kitchen");
        assertThat(delivered.getOptions().getUriQuery()).containsExactly("from=" + publisher.id());
        assertThat(delivered.getOptions().getMaxAge()).isEqualTo(120);
        assertThat(delivered.getPayloadString()).isEqualTo("21.5");

        TestDevice bobsPublisher = cloud.pskDevice("bob");
        bobsPublisher.hello();
        bobsPublisher.publish("marker", "m");
        Request strangersFirst = stranger.nextDelivery();
        assertThat(strangersFirst).isNotNull();
        assertThat(path(strangersFirst)).as("bob's device never sees alice's event").isEqualTo("E/marker");
    }

    @Test
    void prefix_and_device_filter_select_events() throws Exception {
        TestDevice otherPublisher = cloud.pskDevice("alice");
        otherPublisher.hello();
        subscriber.put("e/", "{\"device\":\"" + publisher.id() + "\"}");

        otherPublisher.publish("temp", "from the other one");
        publisher.publish("humidity", "from the chosen one");

        Request first = subscriber.nextDelivery();
        assertThat(first).isNotNull();
        assertThat(path(first)).isEqualTo("E/humidity");
        assertThat(first.getOptions().getUriQuery()).containsExactly("from=" + publisher.id());
    }

    @Test
    void empty_prefix_matches_everything_and_unsubscribe_stops_delivery() throws Exception {
        subscriber.put("e", null);
        subscriber.put("e/door", null);
        publisher.publish("door/front", "open");
        assertThat(path(subscriber.nextDelivery())).isEqualTo("E/door/front");
        assertThat(path(subscriber.nextDelivery())).as("one delivery per matching subscription")
                .isEqualTo("E/door/front");

        assertThat(subscriber.delete("e").getCode()).isEqualTo(ResponseCode.DELETED);
        publisher.publish("window", "open");
        publisher.publish("door/back", "open");

        assertThat(path(subscriber.nextDelivery())).isEqualTo("E/door/back");
    }

    @Test
    void api_events_arrive_from_api() throws Exception {
        subscriber.put("e/alarm", null);

        cloud.cloud().publishFromApi("alice", "alarm/fire", "evacuate", 30);

        Request delivered = subscriber.nextDelivery();
        assertThat(delivered).isNotNull();
        assertThat(path(delivered)).isEqualTo("E/alarm/fire");
        assertThat(delivered.getOptions().getUriQuery()).containsExactly("from=api");
        assertThat(delivered.getOptions().getMaxAge()).isEqualTo(30);
        assertThat(delivered.getType()).isEqualTo(Type.NON);
    }

    @Test
    void a_publisher_receives_its_own_events_when_subscribed() throws Exception {
        publisher.put("e/echo", null);

        publisher.publish("echo", "me");

        Request delivered = publisher.nextDelivery();
        assertThat(delivered).isNotNull();
        assertThat(delivered.getOptions().getUriQuery()).containsExactly("from=" + publisher.id());
    }
}
