package io.kiln.engine.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * The training curve as CSV ({@code step,loss,learning_rate,elapsed_s}), one row per update. A resumed run first
 * drops the rows of updates after its checkpoint, which it is about to redo.
 */
public final class LossLog implements AutoCloseable {
    private static final String HEADER = "step,loss,learning_rate,elapsed_s";

    private final BufferedWriter out;

    private LossLog(BufferedWriter out) {
        this.out = out;
    }

    /** Opens {@code file}, keeping the rows of updates up to {@code resumedStep}. */
    public static LossLog open(Path file, int resumedStep) throws IOException {
        Files.createDirectories(file.getParent());
        List<String> kept = Files.exists(file) && resumedStep > 0
                ? Files.readAllLines(file).stream()
                        .skip(1)
                        .filter(row -> Integer.parseInt(row.substring(0, row.indexOf(','))) <= resumedStep)
                        .toList()
                : List.of();
        BufferedWriter out = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        out.write(HEADER);
        out.newLine();
        for (String row : kept) {
            out.write(row);
            out.newLine();
        }
        return new LossLog(out);
    }

    public void append(int step, double loss, double learningRate, double elapsedSeconds) throws IOException {
        out.write(String.format(Locale.ROOT, "%d,%.6f,%.3e,%.1f", step, loss, learningRate, elapsedSeconds));
        out.newLine();
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
