package io.kiln.dispatcher.http;

import static io.kiln.dispatcher.http.Responses.json;
import static io.kiln.dispatcher.http.Responses.object;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.kiln.contracts.S3Uri;
import io.kiln.dispatcher.config.UploadSettings;
import io.kiln.dispatcher.storage.CheckedImage;
import io.kiln.dispatcher.storage.ImageCheck;
import io.kiln.dispatcher.storage.ImageFormat;
import io.kiln.dispatcher.storage.StorageUnavailableException;
import io.kiln.dispatcher.storage.UnusableImageException;
import io.kiln.dispatcher.storage.UploadStore;
import java.util.HexFormat;
import java.util.concurrent.Semaphore;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/uploads}: takes a PNG or JPEG image for an img2img job, checks that it decodes, stores it in S3
 * under its SHA-256 and answers {@code 201} with its {@code s3://} URI, to be sent as a request's {@code init_image}.
 * The same image uploaded again by the same key gets the same URI.
 *
 * <p>At most {@code maxConcurrent} uploads are read and checked at once, since each holds its body and then its
 * decoded pixels; one more is answered 503 at once rather than queued, and the client retries.
 */
final class UploadRoutes implements Routes {
    private final UploadStore store;
    private final long maxBytes;
    private final Semaphore inProgress;

    UploadRoutes(UploadStore store, UploadSettings settings) {
        this.store = store;
        this.maxBytes = settings.maxBytes();
        this.inProgress = new Semaphore(settings.maxConcurrent());
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.post("/v1/uploads", this::upload);
    }

    private void upload(Context ctx) {
        // the header as sent: Jetty's parsed Content-Type throws on a charset it does not know, such as "binary"
        ImageFormat format = ImageFormat.ofContentType(ctx.header(Header.CONTENT_TYPE))
                .orElseThrow(() -> new ApiException(
                        415,
                        "unsupported_media_type",
                        "the body must be a PNG or JPEG image, sent with Content-Type: image/png or image/jpeg"));
        if (!inProgress.tryAcquire()) {
            ctx.header("Retry-After", "1");
            throw new ApiException(503, "unavailable", "too many uploads in progress; retry later");
        }
        try {
            store(ctx, format);
        } finally {
            inProgress.release();
        }
    }

    private void store(Context ctx, ImageFormat format) {
        byte[] image = BoundedBody.read(ctx, maxBytes);
        CheckedImage checked;
        try {
            checked = ImageCheck.check(image, format);
        } catch (UnusableImageException e) {
            ObjectNode answer = object();
            answer.putArray("errors").addObject().put("field", "$").put("message", e.getMessage());
            json(ctx, 400, answer);
            return;
        }
        String sha256 = HexFormat.of().formatHex(Authenticator.sha256(image));
        S3Uri uri;
        try {
            uri = store.put(ApiServer.keyName(ctx), image, format, sha256);
        } catch (StorageUnavailableException e) {
            throw new ApiException(503, "unavailable", e.getMessage() + "; retry later");
        }
        json(
                ctx,
                201,
                object().put("uri", uri.toString())
                        .put("sha256", sha256)
                        .put("width", checked.width())
                        .put("height", checked.height())
                        .put("size_bytes", image.length));
    }
}
