package io.kiln.worker.batching;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The batcher against a plain list that restates its rules, over random arrivals, polls and removals. */
class MicroBatcherModelTest {

    private static final int MAX_IMAGES = 4;
    private static final Duration DELAY = Duration.ofMillis(50);
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void agreesWithTheModelOnEveryStep() {
        Random random = new Random(20_250_101L);
        for (int run = 0; run < 200; run++) {
            MicroBatcher<String, Job> batcher =
                    new MicroBatcher<>(MAX_IMAGES, DELAY, Job::key, Job::images, Priority.none());
            Model model = new Model();
            Instant now = T0;
            for (int step = 0; step < 300; step++) {
                now = now.plusMillis(random.nextInt(15));
                int action = random.nextInt(20);
                if (action < 10) {
                    // Skewed keys: one busy, three rare.
                    String key = random.nextInt(3) == 0 ? "rare" + random.nextInt(3) : "busy";
                    int images = 1 + (random.nextInt(10) == 0 ? MAX_IMAGES + random.nextInt(3) : random.nextInt(3));
                    Job job = new Job("j" + run + "." + step, key, images, random.nextInt(3));
                    batcher.add(job, now);
                    model.add(job, now);
                } else if (action < 18) {
                    assertThat(batcher.poll(now)).isEqualTo(model.poll(now));
                } else {
                    int revoked = random.nextInt(3);
                    assertThat(batcher.removeIf(job -> job.partition() == revoked))
                            .isEqualTo(model.removeIf(revoked));
                }
                // what the poll loop reads between polls: when to wake up, and how much work waits
                assertThat(batcher.nextDeadline()).isEqualTo(model.nextDeadline());
                assertThat(batcher.waitingImages())
                        .isEqualTo(model.waiting.stream()
                                .mapToInt(w -> w.job.images())
                                .sum());
            }
        }
    }

    /** Jobs in add order; with time never going back, the first of a key in this list is its oldest job. */
    private static final class Model {

        private final List<Arrival> waiting = new ArrayList<>();

        void add(Job job, Instant at) {
            waiting.add(new Arrival(job, at));
        }

        Optional<List<Job>> poll(Instant now) {
            return keysOldestFirst().stream()
                    .filter(key ->
                            isFull(key) || !now.isBefore(of(key).getFirst().at.plus(DELAY)))
                    .findFirst()
                    .map(this::take);
        }

        List<Job> removeIf(int partition) {
            List<Job> removed = waiting.stream()
                    .map(Arrival::job)
                    .filter(job -> job.partition() == partition)
                    .toList();
            waiting.removeIf(arrival -> arrival.job.partition() == partition);
            return removed;
        }

        Optional<Instant> nextDeadline() {
            return keysOldestFirst().stream().map(this::dueAt).min(Comparator.naturalOrder());
        }

        private Instant dueAt(String key) {
            List<Arrival> jobs = of(key);
            Instant expiry = jobs.getFirst().at.plus(DELAY);
            for (int n = 1; n <= jobs.size(); n++) {
                int images = jobs.subList(0, n).stream()
                        .mapToInt(a -> a.job.images())
                        .sum();
                if (images >= MAX_IMAGES) {
                    Instant filled = jobs.get(n - 1).at;
                    return filled.isBefore(expiry) ? filled : expiry;
                }
            }
            return expiry;
        }

        private List<Job> take(String key) {
            List<Job> batch = new ArrayList<>();
            int images = 0;
            for (Arrival arrival : of(key)) {
                if (!batch.isEmpty() && images + arrival.job.images() > MAX_IMAGES) {
                    break;
                }
                batch.add(arrival.job);
                images += arrival.job.images();
            }
            waiting.removeIf(arrival -> batch.contains(arrival.job));
            return batch;
        }

        private boolean isFull(String key) {
            return of(key).stream().mapToInt(a -> a.job.images()).sum() >= MAX_IMAGES;
        }

        private List<Arrival> of(String key) {
            return waiting.stream().filter(a -> a.job.key().equals(key)).toList();
        }

        private List<String> keysOldestFirst() {
            Set<String> keys = new LinkedHashSet<>();
            waiting.forEach(arrival -> keys.add(arrival.job.key()));
            return List.copyOf(keys);
        }
    }

    private record Arrival(Job job, Instant at) {}
}
