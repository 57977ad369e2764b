package io.corral.cloud.coap;

import io.corral.protocol.CorralProfile;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;

/** {@code GET /t}: the cloud's time in Unix seconds, as text. Needs no hello, so a device can sync first. */
final class TimeResource extends ProfileResource {

    TimeResource(ProfileServices services) {
        super(CorralProfile.PATH_TIME, services);
    }

    @Override
    public void handleGET(CoapExchange exchange) {
        exchange.respond(ResponseCode.CONTENT, Long.toString(services.clock().instant().getEpochSecond()),
                MediaTypeRegistry.TEXT_PLAIN);
    }
}
