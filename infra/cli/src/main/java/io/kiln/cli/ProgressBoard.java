package io.kiln.cli;

import io.kiln.contracts.JobUpdate;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * One progress line per job, updated from the jobs' events. On a terminal the lines are redrawn in place (ANSI
 * cursor movement); elsewhere (a log, a pipe) each job prints a line when it starts and when it ends, so the output
 * stays readable as text.
 */
final class ProgressBoard {
    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final boolean redraw;
    private final List<String> jobIds;
    private final List<String> lines;
    private boolean drawn;

    ProgressBoard(PrintWriter out, boolean redraw, List<String> jobIds) {
        this.out = out;
        this.redraw = redraw;
        this.jobIds = List.copyOf(jobIds);
        this.lines = new ArrayList<>(
                jobIds.stream().map(id -> line(id, "queued", 0, 0)).toList());
    }

    /** Shows where job {@code index} is after {@code update}. Called from the jobs' threads. */
    synchronized void update(int index, JobUpdate update) {
        String jobId = jobIds.get(index);
        String line =
                switch (update.event()) {
                    case QUEUED -> line(jobId, "queued", 0, 0);
                    case STARTED -> line(jobId, "running", 0, 0);
                    case PROGRESS ->
                        line(
                                jobId,
                                "running",
                                update.progress().step(),
                                update.progress().total());
                    case SUCCEEDED -> line(jobId, "succeeded", 1, 1);
                    case FAILED, DEAD_LETTERED, CANCELLED ->
                        line(jobId, update.event().wireName(), 0, 0);
                };
        lines.set(index, line);
        if (redraw) {
            draw();
        } else if (update.event() == JobUpdate.Kind.STARTED || update.isFinal()) {
            out.println(line);
            out.flush();
        }
    }

    /** Draws the board as it is; on a terminal, over the previous drawing. */
    synchronized void draw() {
        if (!redraw) {
            return;
        }
        if (drawn) {
            out.print("\033[" + lines.size() + "F");
        }
        lines.forEach(line -> out.print("\033[2K" + line + "\n"));
        out.flush();
        drawn = true;
    }

    static String line(String jobId, String state, int step, int total) {
        int filled = total == 0 ? 0 : step * BAR_WIDTH / total;
        String bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
        String steps = total == 0 ? "" : " " + step + "/" + total;
        return String.format("%-38s [%s] %s%s", jobId, bar, state, steps);
    }
}
