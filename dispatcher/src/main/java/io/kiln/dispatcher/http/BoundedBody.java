package io.kiln.dispatcher.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body up to a limit; a longer one is refused (413) whether or not it declared its length. */
final class BoundedBody {
    private BoundedBody() {}

    /** The body, at most {@code maxBytes}. */
    static byte[] read(Context ctx, long maxBytes) {
        if (ctx.contentLength() > maxBytes) {
            throw tooLarge(maxBytes);
        }
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] body = in.readNBytes(Math.toIntExact(maxBytes + 1));
            if (body.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return body;
        } catch (IOException e) {
            throw new ApiException(400, "bad_request", "cannot read the request body");
        }
    }

    private static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "payload_too_large", "the body must be at most " + maxBytes + " bytes");
    }
}
