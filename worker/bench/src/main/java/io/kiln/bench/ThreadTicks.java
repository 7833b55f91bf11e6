package io.kiln.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The CPU time so far of this process's threads of one name, in clock ticks, from Linux's {@code /proc/self/task}. A
 * pipeline's threads share its name: libtorch's OpenMP threads take the name of the thread that first ran an
 * operator, as Linux names a new thread after the one that started it.
 */
final class ThreadTicks {
    private static final Path TASKS = Path.of("/proc/self/task");
    /** {@code utime} and {@code stime} are the 14th and 15th fields of {@code stat}; these count after the name. */
    private static final int UTIME_AFTER_NAME = 11;

    private ThreadTicks() {}

    /**
     * User and system ticks of the live threads named {@code name} (Linux keeps the first 15 bytes of a name), or
     * empty where there is no {@code /proc}.
     */
    static OptionalLong named(String name) {
        String comm = name.length() > 15 ? name.substring(0, 15) : name;
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                String stat = readOrEmpty(task.resolve("stat"));
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                if (open < 0 || close < open || !stat.substring(open + 1, close).equals(comm)) {
                    continue;
                }
                ticks += ticksAfterName(stat.substring(close + 2));
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(ticks);
    }

    /** {@code utime + stime} from the fields after {@code (name) }: state, ppid, ... */
    static long ticksAfterName(String fields) {
        String[] f = fields.strip().split(" ");
        return Long.parseLong(f[UTIME_AFTER_NAME]) + Long.parseLong(f[UTIME_AFTER_NAME + 1]);
    }

    /** A thread may end between listing and reading; it then counts for nothing. */
    private static String readOrEmpty(Path stat) {
        try {
            return Files.readString(stat);
        } catch (IOException e) {
            return "";
        }
    }
}
