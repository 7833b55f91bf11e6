package io.kiln.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void namesRetryTopicsAfterTheJobsTopicWithAnIndex() {
        assertThat(Topics.retryTopic(1)).isEqualTo("kiln.jobs.v1-retry-1");
        assertThat(Topics.retryTopic(3)).isEqualTo("kiln.jobs.v1-retry-3");
    }

    @Test
    void countsRetriesFromOne() {
        assertThatThrownBy(() -> Topics.retryTopic(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesTheDeadLetterTopicTheSpringKafkaWay() {
        assertThat(Topics.JOBS_DLT).isEqualTo("kiln.jobs.v1.DLT");
    }

    @Test
    void retriesThreeTimesWithGrowingDelaysByDefault() {
        assertThat(Topics.DEFAULT_RETRIES).isEqualTo(3);
        assertThat(Topics.DEFAULT_RETRY_DELAYS)
                .containsExactly(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5));
    }

    @Test
    void controlTopicKeepsCancelsAsLongAsKafkaKeepsJobsByDefault() {
        assertThat(Topics.CONTROL_RETENTION).isEqualTo(Duration.ofDays(7));
    }
}
