package io.kiln.cli;

import io.kiln.contracts.Headers;
import io.kiln.contracts.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * One record read from a dead-letter topic: where it sits, and its key, value and headers as they are on the wire.
 * The accessors for the {@link Headers contract headers} read them as UTF-8 text.
 *
 * @param partition the partition of the dead-letter topic
 * @param offset its offset there
 * @param key the key, the job id by contract; {@code null} if the record has none
 * @param value the request exactly as it failed; {@code null} for a tombstone
 * @param headers every header, in order, repeated names included
 */
record DlqRecord(int partition, long offset, byte[] key, byte[] value, List<Header> headers) {

    /** How many characters of a value {@link #valuePreview()} shows. */
    static final int PREVIEW_CHARACTERS = 80;

    DlqRecord {
        headers = List.copyOf(headers);
    }

    static DlqRecord of(ConsumerRecord<byte[], byte[]> record) {
        List<Header> headers = new ArrayList<>();
        record.headers().forEach(header -> headers.add(new RecordHeader(header.key(), header.value())));
        return new DlqRecord(record.partition(), record.offset(), record.key(), record.value(), headers);
    }

    /** {@code PARTITION:OFFSET}, the form {@code kiln dlq replay --offset} takes. */
    String position() {
        return partition + ":" + offset;
    }

    /** The last header of that name as UTF-8 text (invalid bytes replaced), or empty if there is none. */
    Optional<String> header(String name) {
        Header found = null;
        for (Header header : headers) {
            if (header.key().equals(name)) {
                found = header;
            }
        }
        return Optional.ofNullable(found).map(Header::value).map(value -> new String(value, StandardCharsets.UTF_8));
    }

    /** The {@value Headers#JOB_ID} header, else the key (records are keyed by job id), else empty. */
    Optional<String> jobId() {
        return header(Headers.JOB_ID)
                .or(() -> Optional.ofNullable(key).map(k -> new String(k, StandardCharsets.UTF_8)));
    }

    /** The topic to replay to: the {@value Headers#ORIGINAL_TOPIC} header, else {@value Topics#JOBS}. */
    String originalTopic() {
        return header(Headers.ORIGINAL_TOPIC).filter(topic -> !topic.isBlank()).orElse(Topics.JOBS);
    }

    /** The first {@value #PREVIEW_CHARACTERS} characters of the value, for people: see {@link #preview(byte[])}. */
    String valuePreview() {
        return preview(value);
    }

    /**
     * Bytes for a one-line display: UTF-8 text cut to {@value #PREVIEW_CHARACTERS} characters (then {@code …}) with
     * control characters escaped ({@code \n}, {@code \u0000}); {@code <N bytes, not UTF-8>} for anything else; {@code
     * <no value>} for {@code null}.
     */
    static String preview(byte[] bytes) {
        if (bytes == null) {
            return "<no value>";
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return "<" + bytes.length + " bytes, not UTF-8>";
        }
        if (text.codePointCount(0, text.length()) <= PREVIEW_CHARACTERS) {
            return printable(text);
        }
        return printable(text.substring(0, text.offsetByCodePoints(0, PREVIEW_CHARACTERS))) + "…";
    }

    /** The text on one line: line breaks, tabs and other control characters escaped as in Java source. */
    static String printable(String text) {
        StringBuilder printable = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\n' -> printable.append("\\n");
                case '\r' -> printable.append("\\r");
                case '\t' -> printable.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        printable.append(String.format("\\u%04x", c));
                    } else {
                        printable.appendCodePoint(c);
                    }
                }
            }
        });
        return printable.toString();
    }
}
