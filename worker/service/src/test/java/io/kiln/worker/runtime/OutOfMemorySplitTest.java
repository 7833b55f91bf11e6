package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class OutOfMemorySplitTest {
    private final List<List<String>> runs = new ArrayList<>();

    /** A pipeline that fits at most {@code capacity} jobs, failing the way libtorch reports it. */
    private Function<List<String>, List<String>> fitting(int capacity) {
        return jobs -> {
            runs.add(List.copyOf(jobs));
            if (jobs.size() > capacity) {
                throw new EngineException("CUDA out of memory. Tried to allocate 2.00 GiB");
            }
            return jobs.stream().map(job -> job + ".png").toList();
        };
    }

    @Test
    void aBatchThatFitsRunsOnce() {
        var parts = OutOfMemorySplit.run(List.of("a", "b"), fitting(2));

        assertThat(parts).singleElement().satisfies(part -> assertThat(part.results())
                .containsExactly("a.png", "b.png"));
        assertThat(runs).hasSize(1);
    }

    @Test
    void aBatchThatRunsOutOfMemoryRunsAgainAsTwoHalves() {
        var parts = OutOfMemorySplit.run(List.of("a", "b", "c", "d", "e"), fitting(3));

        assertThat(runs).containsExactly(List.of("a", "b", "c", "d", "e"), List.of("a", "b"), List.of("c", "d", "e"));
        assertThat(parts).extracting(OutOfMemorySplit.Part::failed).containsExactly(false, false);
        assertThat(parts.get(1).results()).containsExactly("c.png", "d.png", "e.png");
    }

    @Test
    void aHalfThatStillDoesNotFitFailsAloneAndIsNotSplitAgain() {
        var parts = OutOfMemorySplit.run(List.of("a", "b", "c", "d"), fitting(1));

        assertThat(runs).hasSize(3);
        assertThat(parts).allMatch(OutOfMemorySplit.Part::failed);
        assertThat(parts.getFirst().outOfMemory()).hasMessageContaining("out of memory");
    }

    @Test
    void aSingleJobThatDoesNotFitFails() {
        var parts = OutOfMemorySplit.run(List.of("a"), fitting(0));

        assertThat(parts).singleElement().matches(OutOfMemorySplit.Part::failed);
    }

    @Test
    void otherFailuresPassThroughUnsplit() {
        Function<List<String>, List<String>> broken = jobs -> {
            runs.add(jobs);
            throw new IllegalStateException("a bug");
        };

        assertThatThrownBy(() -> OutOfMemorySplit.run(List.of("a", "b"), broken))
                .hasMessage("a bug");
        assertThat(runs).hasSize(1);
    }

    @Test
    void recognisesTheAllocatorsOwnWords() {
        assertThat(OutOfMemorySplit.isOutOfMemory(
                        new EngineException("DefaultCPUAllocator: not enough memory: you tried to allocate 8 GB")))
                .isTrue();
        assertThat(OutOfMemorySplit.isOutOfMemory(new RuntimeException(new OutOfMemoryError("Java heap space"))))
                .isTrue();
        assertThat(OutOfMemorySplit.isOutOfMemory(new EngineException("shape mismatch")))
                .isFalse();
    }
}
