package io.kiln.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An object in S3, written {@code s3://bucket/key} on the wire.
 *
 * @param bucket a bucket name as S3 allows it: 3 to 63 lowercase letters, digits, dots and hyphens, starting and
 *     ending with a letter or digit
 * @param key the object key: at least one character, no line breaks
 */
public record S3Uri(String bucket, String key) {
    private static final String BUCKET = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]";
    private static final String KEY = ".+";
    // The same expression as the "s3_uri" definition in the JSON Schemas, so both accept the same strings.
    private static final Pattern FORM = Pattern.compile("s3://(" + BUCKET + ")/(" + KEY + ")");

    public S3Uri {
        if (!bucket.matches(BUCKET)) {
            throw new IllegalArgumentException("not a valid S3 bucket name: " + bucket);
        }
        if (!key.matches(KEY)) {
            throw new IllegalArgumentException("not a valid S3 key: " + key);
        }
    }

    /**
     * Parses {@code s3://bucket/key}.
     *
     * @throws IllegalArgumentException if {@code uri} does not have that form
     */
    @JsonCreator
    public static S3Uri parse(String uri) {
        Matcher matcher = FORM.matcher(uri);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not an s3://bucket/key URI: " + uri);
        }
        return new S3Uri(matcher.group(1), matcher.group(2));
    }

    /** Returns {@code s3://bucket/key}. */
    @JsonValue
    @Override
    public String toString() {
        return "s3://" + bucket + "/" + key;
    }
}
