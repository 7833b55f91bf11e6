package io.kiln.cli;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which dead letters {@code kiln dlq replay} sends back: all of them, some jobs' or those at some offsets. */
sealed interface DlqSelection {

    /**
     * The chosen dead letters in topic order (partition, then offset), each once.
     *
     * @param deadLetters the whole topic
     * @throws DlqException naming every choice that matches no dead letter, so that nothing is sent when one is wrong
     */
    List<DlqRecord> resolve(List<DlqRecord> deadLetters);

    /** Every dead letter on the topic. */
    record All() implements DlqSelection {
        @Override
        public List<DlqRecord> resolve(List<DlqRecord> deadLetters) {
            return inTopicOrder(deadLetters);
        }
    }

    /**
     * The newest dead letter of each job: a job that failed, was replayed and failed again has two, and only its
     * latest failure is worth another try. Newest means the highest offset; a job's records share a partition, since
     * they are keyed by job id.
     */
    record JobIds(List<String> jobIds) implements DlqSelection {
        public JobIds {
            jobIds = List.copyOf(jobIds);
        }

        @Override
        public List<DlqRecord> resolve(List<DlqRecord> deadLetters) {
            Map<String, DlqRecord> newest = new LinkedHashMap<>();
            for (DlqRecord deadLetter : inTopicOrder(deadLetters)) {
                deadLetter.jobId().ifPresent(jobId -> newest.merge(jobId, deadLetter, JobIds::newer));
            }
            List<String> missing = jobIds.stream()
                    .distinct()
                    .filter(id -> !newest.containsKey(id))
                    .toList();
            if (!missing.isEmpty()) {
                throw new DlqException("no dead letter for job id " + String.join(", ", missing));
            }
            return inTopicOrder(jobIds.stream().map(newest::get).toList());
        }

        private static DlqRecord newer(DlqRecord a, DlqRecord b) {
            return b.offset() > a.offset() ? b : a;
        }
    }

    /** The dead letters at these positions. */
    record Positions(List<Position> positions) implements DlqSelection {
        public Positions {
            positions = List.copyOf(positions);
        }

        @Override
        public List<DlqRecord> resolve(List<DlqRecord> deadLetters) {
            Map<Position, DlqRecord> byPosition = new LinkedHashMap<>();
            deadLetters.forEach(deadLetter ->
                    byPosition.put(new Position(deadLetter.partition(), deadLetter.offset()), deadLetter));
            List<String> missing = positions.stream()
                    .distinct()
                    .filter(position -> !byPosition.containsKey(position))
                    .map(Position::toString)
                    .toList();
            if (!missing.isEmpty()) {
                throw new DlqException("no dead letter at " + String.join(", ", missing));
            }
            return inTopicOrder(positions.stream().map(byPosition::get).toList());
        }
    }

    /** A record's place in a topic: {@code PARTITION:OFFSET}, as {@code kiln dlq list} prints it. */
    record Position(int partition, long offset) {
        private static final Pattern FORMAT = Pattern.compile("(\\d{1,10}):(\\d{1,19})");

        public Position {
            if (partition < 0 || offset < 0) {
                throw new IllegalArgumentException("partition and offset must not be negative");
            }
        }

        /** {@code 0:42}, or empty if the text is not {@code PARTITION:OFFSET} with numbers in range. */
        static Optional<Position> parse(String text) {
            Matcher matcher = FORMAT.matcher(text.strip());
            if (!matcher.matches()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Position(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2))));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }

        @Override
        public String toString() {
            return partition + ":" + offset;
        }
    }

    private static List<DlqRecord> inTopicOrder(List<DlqRecord> deadLetters) {
        Map<Position, DlqRecord> unique = new LinkedHashMap<>();
        deadLetters.stream()
                .sorted(Comparator.comparingInt(DlqRecord::partition).thenComparingLong(DlqRecord::offset))
                .forEach(deadLetter ->
                        unique.putIfAbsent(new Position(deadLetter.partition(), deadLetter.offset()), deadLetter));
        return List.copyOf(unique.values());
    }
}
