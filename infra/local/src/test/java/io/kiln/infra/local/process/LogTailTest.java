package io.kiln.infra.local.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

    @TempDir
    Path folder;

    @Test
    void returnsTheLastLinesInOrder() throws Exception {
        Path log = folder.resolve("server.log");
        Files.writeString(
                log, IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n")));

        assertThat(LogTail.lastLines(log, 3)).containsExactly("line 98", "line 99", "line 100");
    }

    @Test
    void returnsAllLinesOfAShortLog() throws Exception {
        Path log = folder.resolve("server.log");
        Files.writeString(log, "only\nlines\n");

        assertThat(LogTail.lastLines(log, 40)).containsExactly("only", "lines");
    }

    @Test
    void toleratesALogCutInsideACharacter() throws Exception {
        Path log = folder.resolve("server.log");
        Files.write(log, new byte[] {'o', 'k', '\n', (byte) 0xE2, (byte) 0x82});

        assertThat(LogTail.lastLines(log, 40)).hasSize(2).first().isEqualTo("ok");
    }

    @Test
    void isEmptyWhenThereIsNoLog() {
        assertThat(LogTail.lastLines(folder.resolve("missing.log"), 40)).isEmpty();
    }
}
