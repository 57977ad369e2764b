package io.corral.cloud.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.corral.cloud.api.Json.ErrorBody;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors, for requests that never reach a route (an undecodable URI, headers over the limit), in the
 * API's JSON error shape rather than Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        // A client error's cause says what was wrong with the request (such as an undecodable URI); a server
        // error's cause is internal and stays in the log.
        String description = code < 500 && cause != null && cause.getMessage() != null
                ? (message == null ? "" : message + ": ") + cause.getMessage() : message;
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code, description)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    private static byte[] body(int status, String message) {
        String description = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
        try {
            return Json.MAPPER.writeValueAsBytes(new ErrorBody(ApiError.codeFor(status), description));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an error body", e);
        }
    }
}
