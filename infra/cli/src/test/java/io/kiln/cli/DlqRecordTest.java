package io.kiln.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.Headers;
import io.kiln.contracts.Topics;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

class DlqRecordTest {

    @Test
    void showsShortTextWhole() {
        assertThat(DlqRecord.preview("{\"prompt\": \"a fox\"}".getBytes(UTF_8))).isEqualTo("{\"prompt\": \"a fox\"}");
    }

    @Test
    void cutsLongTextAtEightyCharactersCountingAnEmojiAsOne() {
        String text = "🦊".repeat(79) + "ab" + "c".repeat(50);

        assertThat(DlqRecord.preview(text.getBytes(UTF_8))).isEqualTo("🦊".repeat(79) + "a…");
    }

    @Test
    void escapesLineBreaksAndControlCharactersToKeepOneLine() {
        assertThat(DlqRecord.preview("a\nb\tc\u0000d".getBytes(UTF_8))).isEqualTo("a\\nb\\tc\\u0000d");
    }

    @Test
    void namesTheSizeOfBytesThatAreNotUtf8() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', (byte) 0xff};

        assertThat(DlqRecord.preview(png)).isEqualTo("<9 bytes, not UTF-8>");
        assertThat(DlqRecord.preview(null)).isEqualTo("<no value>");
    }

    @Test
    void takesTheJobIdFromItsHeaderElseFromTheKey() {
        assertThat(record("key-1", header(Headers.JOB_ID, "job-1")).jobId()).contains("job-1");
        assertThat(record("key-1").jobId()).contains("key-1");
        assertThat(record(null).jobId()).isEmpty();
    }

    @Test
    void readsTheLastOfRepeatedHeaders() {
        DlqRecord record = record("job-1", header(Headers.ATTEMPT, "1"), header(Headers.ATTEMPT, "4"));

        assertThat(record.header(Headers.ATTEMPT)).contains("4");
        assertThat(record.header(Headers.FAILED_AT)).isEmpty();
    }

    @Test
    void goesBackToItsOriginalTopicOrElseTheJobsTopic() {
        assertThat(record("job-1", header(Headers.ORIGINAL_TOPIC, "jobs-7")).originalTopic())
                .isEqualTo("jobs-7");
        assertThat(record("job-1").originalTopic()).isEqualTo(Topics.JOBS);
    }

    static DlqRecord record(String key, Header... headers) {
        return new DlqRecord(0, 3, key == null ? null : key.getBytes(UTF_8), "{}".getBytes(UTF_8), List.of(headers));
    }

    static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(UTF_8));
    }
}
