package io.corral.cloud.coap;

import io.corral.protocol.CorralProfile;
import io.corral.protocol.EventNames;
import io.corral.protocol.Messages;
import io.corral.protocol.VariableType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code POST /d}: the device lists its functions and variables. 4.13 when the body or the number of names is
 * larger than the cloud keeps; 4.00 for a bad name or type.
 */
final class DescribeResource extends ProfileResource {
    /** Most functions, and separately most variables, one device may describe. */
    static final int MAX_FUNCTIONS = 32;
    static final int MAX_VARIABLES = 32;
    /** Enough for 32 + 32 names of 64 characters with their JSON punctuation and types, and no more than
     *  Californium reassembles from blocks by default. */
    static final int MAX_BODY_BYTES = 8192;
    private static final String EXAMPLE = "{\"f\":[\"reset\"],\"v\":{\"temp\":\"double\"}}";

    DescribeResource(ProfileServices services) {
        super(CorralProfile.PATH_DESCRIBE, services);
    }

    @Override
    public void handlePOST(CoapExchange exchange) {
        LiveSession session = requireSession(exchange);
        if (session == null) {
            return;
        }
        int size = exchange.getRequestPayloadSize();
        if (size > MAX_BODY_BYTES) {
            respondError(exchange, ResponseCode.REQUEST_ENTITY_TOO_LARGE,
                    "describe body is " + size + " bytes, the limit is " + MAX_BODY_BYTES);
            return;
        }
        Messages.Describe describe = parseJson(exchange, Messages.Describe.class, "describe", EXAMPLE);
        if (describe == null) {
            return;
        }
        List<String> functions = describe.f() == null ? List.of() : describe.f();
        Map<String, String> variables = describe.v() == null ? Map.of() : describe.v();
        if (functions.size() > MAX_FUNCTIONS) {
            respondError(exchange, ResponseCode.REQUEST_ENTITY_TOO_LARGE,
                    "too many functions: " + functions.size() + ", the limit is " + MAX_FUNCTIONS);
            return;
        }
        if (variables.size() > MAX_VARIABLES) {
            respondError(exchange, ResponseCode.REQUEST_ENTITY_TOO_LARGE,
                    "too many variables: " + variables.size() + ", the limit is " + MAX_VARIABLES);
            return;
        }
        List<String> checkedFunctions = new ArrayList<>();
        for (String name : functions) {
            String error = EventNames.validateHandlerName("function", name, services.limits());
            if (error != null) {
                respondError(exchange, ResponseCode.BAD_REQUEST, error);
                return;
            }
            if (!checkedFunctions.contains(name)) {
                checkedFunctions.add(name);
            }
        }
        Map<String, VariableType> checkedVariables = new LinkedHashMap<>();
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            String error = EventNames.validateHandlerName("variable", variable.getKey(), services.limits());
            if (error != null) {
                respondError(exchange, ResponseCode.BAD_REQUEST, error);
                return;
            }
            try {
                checkedVariables.put(variable.getKey(), VariableType.fromWireName(variable.getValue()));
            } catch (IllegalArgumentException e) {
                respondError(exchange, ResponseCode.BAD_REQUEST, "variable '" + variable.getKey() + "': " + e.getMessage());
                return;
            }
        }
        session.describe(checkedFunctions, checkedVariables);
        exchange.respond(ResponseCode.CHANGED);
    }
}
