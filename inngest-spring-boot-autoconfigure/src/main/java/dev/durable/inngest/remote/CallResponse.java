package dev.durable.inngest.remote;

import java.util.Map;

/**
 * The answer to a call request, before the serve endpoint adds the headers every response
 * carries and signs it.
 *
 * @param status the HTTP status: 200 (the function returned), 206 (ops), 400 or 500 (an
 * error)
 * @param headers headers of this answer only, such as {@code X-Inngest-No-Retry} and
 * {@code Retry-After}
 * @param body the JSON body
 */
public record CallResponse(int status, Map<String, String> headers, String body) {

}
