package io.kiln.worker.batching;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration DELAY = Duration.ofMillis(100);
    private static final Duration STARVATION = Duration.ofSeconds(1);

    private final MicroBatcher<String, Job> batcher =
            new MicroBatcher<>(4, DELAY, Job::key, Job::images, Priority.none());

    private static Instant at(long millis) {
        return T0.plusMillis(millis);
    }

    private Job add(String name, String key, int images, long arrivedMillis) {
        Job job = Job.of(name, key, images);
        batcher.add(job, at(arrivedMillis));
        return job;
    }

    @Test
    void aJobOfHigherPriorityOvertakesAQueueOfItsKeyAndOfOthers() {
        Map<Job, Integer> priorities = new HashMap<>();
        var prioritized = new MicroBatcher<String, Job>(
                1, DELAY, Job::key, Job::images, new Priority<>(job -> priorities.getOrDefault(job, 0), STARVATION));
        List<Job> low = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            low.add(Job.of("low-" + i, "sd15", 1));
            prioritized.add(low.getLast(), at(i));
        }
        Job otherKey = Job.of("other", "sd15-img2img", 1);
        prioritized.add(otherKey, at(5));
        Job high = Job.of("high", "sd15", 1);
        priorities.put(high, 10);
        prioritized.add(high, at(10));
        Job higherElsewhere = Job.of("higher", "sd15-img2img", 1);
        priorities.put(higherElsewhere, 20);
        prioritized.add(higherElsewhere, at(20));

        assertThat(drain(prioritized, at(200)))
                .containsExactly(higherElsewhere, high, low.get(0), low.get(1), low.get(2), low.get(3), otherKey);
    }

    /**
     * How a low-priority job is kept from starving: once it has waited the starvation limit, it goes before every
     * priority. Urgent jobs arriving all the time delay it by at most that long, and the batch running when it passes.
     */
    @Test
    void aJobOvertakenForTheStarvationLimitGoesBeforeAnyPriority() {
        Map<Job, Integer> priorities = new HashMap<>();
        var prioritized = new MicroBatcher<String, Job>(
                1, DELAY, Job::key, Job::images, new Priority<>(job -> priorities.getOrDefault(job, 0), STARVATION));
        Job low = Job.of("low", "sd15", 1);
        prioritized.add(low, at(0));
        List<Job> urgent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            urgent.add(Job.of("urgent-" + i, "sd15", 1));
            priorities.put(urgent.getLast(), 10);
            prioritized.add(urgent.getLast(), at(STARVATION.toMillis() - 100 + i));
        }

        assertThat(prioritized.poll(at(STARVATION.toMillis() - 1))).contains(List.of(urgent.get(0)));
        assertThat(prioritized.poll(at(STARVATION.toMillis()))).contains(List.of(low));
        assertThat(drain(prioritized, at(STARVATION.toMillis()))).containsExactly(urgent.get(1), urgent.get(2));
    }

    private static List<Job> drain(MicroBatcher<String, Job> batcher, Instant now) {
        List<Job> order = new ArrayList<>();
        for (Optional<List<Job>> batch = batcher.poll(now); batch.isPresent(); batch = batcher.poll(now)) {
            order.addAll(batch.get());
        }
        return order;
    }

    @Test
    void closesFullBatchImmediately() {
        Job a = add("a", "sd15", 1, 0);
        Job b = add("b", "sd15", 1, 0);
        Job c = add("c", "sd15", 1, 0);
        assertThat(batcher.poll(at(0))).isEmpty();

        Job d = add("d", "sd15", 1, 0);

        assertThat(batcher.poll(at(0))).contains(List.of(a, b, c, d));
        assertThat(batcher.nextDeadline()).isEmpty();
    }

    @Test
    void closesPartialBatchWhenItsOldestJobHasWaitedTheDelay() {
        Job a = add("a", "sd15", 1, 0);
        Job b = add("b", "sd15", 1, 60);

        assertThat(batcher.poll(at(99))).isEmpty();
        assertThat(batcher.poll(at(100))).contains(List.of(a, b));
    }

    @Test
    void zeroDelayClosesEveryBatchAtOnce() {
        MicroBatcher<String, Job> eager = new MicroBatcher<>(4, Duration.ZERO, Job::key, Job::images, Priority.none());
        Job a = Job.of("a", "sd15", 1);
        eager.add(a, at(0));

        assertThat(eager.poll(at(0))).contains(List.of(a));
    }

    @Test
    void countsImagesRatherThanJobs() {
        Job a = add("a", "sd15", 3, 0);
        assertThat(batcher.poll(at(0))).isEmpty();
        Job b = add("b", "sd15", 1, 10);

        assertThat(batcher.waitingImages()).isEqualTo(4);
        assertThat(batcher.poll(at(10))).contains(List.of(a, b));
    }

    @Test
    void fullKeyTakesOnlyTheJobsThatFitAndTheRestKeepsItsArrivalTime() {
        Job a = add("a", "sd15", 2, 0);
        Job b = add("b", "sd15", 3, 10);

        assertThat(batcher.poll(at(10))).contains(List.of(a));
        assertThat(batcher.poll(at(10))).isEmpty();
        assertThat(batcher.nextDeadline()).contains(at(110));
        assertThat(batcher.poll(at(109))).isEmpty();
        assertThat(batcher.poll(at(110))).contains(List.of(b));
    }

    @Test
    void remainderThatAlreadyWaitedTheDelayIsDueAgainRightAway() {
        Job a = add("a", "sd15", 3, 0);
        Job b = add("b", "sd15", 3, 0);

        assertThat(batcher.poll(at(200))).contains(List.of(a));
        assertThat(batcher.poll(at(200))).contains(List.of(b));
    }

    @Test
    void oversizeJobFormsABatchAloneWithoutWaiting() {
        Job small = add("small", "sd15", 1, 0);
        Job big = add("big", "sd15", 6, 5);
        Job after = add("after", "sd15", 1, 10);

        assertThat(batcher.poll(at(10))).contains(List.of(small));
        assertThat(batcher.poll(at(10))).contains(List.of(big));
        assertThat(batcher.poll(at(10))).isEmpty();
        assertThat(batcher.poll(at(110))).contains(List.of(after));
    }

    @Test
    void keepsKeysApart() {
        Job a = add("a", "sd15", 2, 0);
        Job b = add("b", "sdxl", 2, 0);

        assertThat(batcher.poll(at(0))).isEmpty();
        assertThat(List.of(batcher.poll(at(100)), batcher.poll(at(100))))
                .containsExactlyInAnyOrder(Optional.of(List.of(a)), Optional.of(List.of(b)));
    }

    @Test
    void dueKeyWithTheOldestJobGoesFirstEvenBeforeAFullKey() {
        Job rare = add("rare", "sdxl", 1, 0);
        List<Job> busy = List.of(
                add("b1", "sd15", 1, 50), add("b2", "sd15", 1, 50), add("b3", "sd15", 1, 50), add("b4", "sd15", 1, 50));

        assertThat(batcher.poll(at(50))).contains(busy);

        List<Job> busyAgain = List.of(
                add("b5", "sd15", 1, 120),
                add("b6", "sd15", 1, 120),
                add("b7", "sd15", 1, 120),
                add("b8", "sd15", 1, 120));

        assertThat(batcher.poll(at(120))).contains(List.of(rare));
        assertThat(batcher.poll(at(120))).contains(busyAgain);
    }

    @Test
    void equalArrivalTimesGoInAddOrder() {
        Job first = add("first", "sdxl", 1, 0);
        Job second = add("second", "sd15", 1, 0);

        assertThat(batcher.poll(at(100))).contains(List.of(first));
        assertThat(batcher.poll(at(100))).contains(List.of(second));
    }

    @Test
    void busyKeyThatIsAlwaysFullCannotStarveARareKey() {
        Job rare = add("rare", "sdxl", 1, 0);
        List<Long> rareServedAt = new ArrayList<>();
        // One GPU pass per 10 ms tick while the busy key fills a whole batch every tick: a policy that favoured full
        // keys would never serve the rare one.
        for (long tick = 0; tick <= 300; tick += 10) {
            for (int i = 0; i < 4; i++) {
                add("busy@" + tick + "#" + i, "sd15", 1, tick);
            }
            List<Job> batch = batcher.poll(at(tick)).orElseThrow();
            if (batch.contains(rare)) {
                rareServedAt.add(tick);
            }
        }

        assertThat(rareServedAt).containsExactly(DELAY.toMillis());
    }

    @Test
    void nextDeadlineIsTheEarliestKeyExpiry() {
        assertThat(batcher.nextDeadline()).isEmpty();

        add("a", "sd15", 1, 30);
        add("b", "sdxl", 1, 10);
        add("c", "sdxl", 1, 40);

        assertThat(batcher.nextDeadline()).contains(at(110));
        batcher.poll(at(110));
        assertThat(batcher.nextDeadline()).contains(at(130));
        batcher.poll(at(130));
        assertThat(batcher.nextDeadline()).isEmpty();
    }

    @Test
    void nextDeadlineOfAFullKeyIsWhenItFilled() {
        add("late", "sdxl", 1, 0);
        add("a", "sd15", 2, 20);
        add("b", "sd15", 2, 30);

        assertThat(batcher.nextDeadline()).contains(at(30));
    }

    @Test
    void clockSteppingBackwardsCannotMakeALaterJobOlderThanItsKey() {
        Job a = add("a", "sd15", 1, 50);
        Job b = add("b", "sd15", 1, 0);

        assertThat(batcher.nextDeadline()).contains(at(150));
        assertThat(batcher.poll(at(149))).isEmpty();
        assertThat(batcher.poll(at(150))).contains(List.of(a, b));
    }

    @Test
    void removeIfTakesMatchingJobsOutInAddOrder() {
        Job a = new Job("a", "sd15", 1, 1);
        Job b = new Job("b", "sdxl", 1, 2);
        Job c = new Job("c", "sdxl", 2, 1);
        Job d = new Job("d", "sd15", 1, 2);
        Job e = new Job("e", "sd15", 1, 1);
        for (Job job : List.of(a, b, c, d, e)) {
            batcher.add(job, at(0));
        }

        assertThat(batcher.removeIf(job -> job.partition() == 1)).containsExactly(a, c, e);

        assertThat(batcher.waitingImages()).isEqualTo(2);
        assertThat(batcher.poll(at(100))).contains(List.of(b));
        assertThat(batcher.poll(at(100))).contains(List.of(d));
    }

    @Test
    void removingAKeysLastJobForgetsItsDeadline() {
        add("a", "sd15", 1, 0);
        add("b", "sdxl", 1, 50);

        assertThat(batcher.removeIf(job -> job.key().equals("sd15"))).hasSize(1);

        assertThat(batcher.nextDeadline()).contains(at(150));
        assertThat(batcher.removeIf(job -> true)).hasSize(1);
        assertThat(batcher.nextDeadline()).isEmpty();
    }

    @Test
    void countsTheImagesOfEveryKey() {
        assertThat(batcher.waitingImages()).isZero();
        add("a", "sd15", 3, 0);
        add("b", "sdxl", 2, 0);

        assertThat(batcher.waitingImages()).isEqualTo(5);
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> new MicroBatcher<>(0, DELAY, Job::key, Job::images, Priority.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBatchImages");
        assertThatThrownBy(() -> new MicroBatcher<>(4, Duration.ofMillis(-1), Job::key, Job::images, Priority.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBatchDelay");
        assertThatThrownBy(() -> new MicroBatcher<String, Job>(4, null, Job::key, Job::images, Priority.none()))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("maxBatchDelay");
        assertThatThrownBy(() -> new MicroBatcher<String, Job>(4, DELAY, null, Job::images, Priority.none()))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("key");
        assertThatThrownBy(() -> new MicroBatcher<String, Job>(4, DELAY, Job::key, null, Priority.none()))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("images");
    }

    @Test
    void rejectsJobAskingForNoImagesAndKeepsNothing() {
        assertThatThrownBy(() -> add("empty", "sd15", 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> add("nokey", null, 1, 0))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("nokey");

        assertThat(batcher.waitingImages()).isZero();
        assertThat(batcher.nextDeadline()).isEmpty();
    }
}
