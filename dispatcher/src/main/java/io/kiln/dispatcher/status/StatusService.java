package io.kiln.dispatcher.status;

import io.kiln.contracts.JobStatus;
import io.kiln.dispatcher.config.TopicSettings;
import io.kiln.dispatcher.kafka.TopicProvisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link StatusTopology} and answers status queries from its global store.
 *
 * <p>Starting does not wait for Kafka: a thread of its own creates the missing topics, retrying until Kafka answers,
 * then starts the Streams application. Until that is {@code RUNNING} (its global store caught up with the status
 * topic), queries throw {@link StatusUnavailableException} and {@link #isRunning()} is false.
 */
public final class StatusService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusService.class);
    private static final Duration PROVISION_RETRY = Duration.ofSeconds(1);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    static final int LONGEST_SCAN = 1_000;

    private final KafkaStreams streams;
    private final Thread starter;
    // KafkaStreams.start() returns once the global store has caught up with the status topic; before that the store
    // opens and answers from a partial copy, where a job accepted long ago would read as never accepted
    private volatile boolean caughtUp;
    // the global stores live as long as the application: each looked up once, since KafkaStreams.store() on every
    // find showed in the API benchmark's profile; a closed store still answers InvalidStateStoreException
    private volatile ReadOnlyKeyValueStore<String, StoredStatus> statusStore;
    private volatile ReadOnlyKeyValueStore<String, String> indexStore;

    private StatusService(KafkaStreams streams, Admin admin, TopicSettings topics) {
        this.streams = streams;
        this.starter = Thread.ofPlatform().name("kiln-status-start").daemon().unstarted(() -> start(admin, topics));
    }

    /**
     * Starts folding and reading status in the background.
     *
     * @param admin used to create missing topics; owned by the caller, open until this service is closed
     * @param streamsProperties the Streams configuration ({@code ClientProperties.streams})
     */
    public static StatusService start(Admin admin, TopicSettings topics, Map<String, Object> streamsProperties) {
        Properties properties = new Properties();
        properties.putAll(streamsProperties);
        KafkaStreams streams = new KafkaStreams(StatusTopology.build(topics), properties);
        streams.setUncaughtExceptionHandler(exception -> {
            // a bug or a broker fault in one record's processing: log it, and keep status flowing on a fresh thread
            log.error("Status stream thread failed; replacing it", exception);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        StatusService service = new StatusService(streams, admin, topics);
        service.starter.start();
        return service;
    }

    private void start(Admin admin, TopicSettings topics) {
        try {
            while (true) {
                try {
                    TopicProvisioner.ensure(admin, topics);
                    break;
                } catch (ExecutionException e) {
                    log.warn(
                            "Cannot check or create the dispatcher's topics yet, retrying: {}",
                            e.getCause().toString());
                    Thread.sleep(PROVISION_RETRY);
                }
            }
            streams.start();
            caughtUp = true;
        } catch (InterruptedException e) {
            // closed before Kafka answered
        }
    }

    /** Whether the Streams application is running, its global status store caught up. */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /** The Streams application's state, for logs and the health check. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /**
     * The status of {@code jobId} as the status topic had it when this replica last read it.
     *
     * @throws StatusUnavailableException while the store cannot be queried (starting, restoring, stopped)
     */
    public Optional<StoredStatus> find(String jobId) throws StatusUnavailableException {
        if (!caughtUp) {
            throw new StatusUnavailableException("job status is not available yet (" + streams.state() + ")");
        }
        try {
            return Optional.ofNullable(statusStore().get(jobId));
        } catch (InvalidStateStoreException | IllegalStateException e) {
            // IllegalStateException: Streams is stopping, stopped or failed, and its store is gone
            throw new StatusUnavailableException("job status is not available (" + streams.state() + ")", e);
        }
    }

    /**
     * A page of {@code keyName}'s jobs, newest first: at most {@code limit}, only those in {@code state} unless it is
     * null, starting after the index key {@code after} (null for the first page). A page ends early, with a cursor,
     * once it has looked at {@value #LONGEST_SCAN} jobs, so that a filter matching few jobs cannot make one request
     * scan a key's whole history.
     *
     * @throws StatusUnavailableException while the stores cannot be queried
     */
    public JobPage list(String keyName, JobStatus.Status state, int limit, String after)
            throws StatusUnavailableException {
        if (!caughtUp) {
            throw new StatusUnavailableException("job status is not available yet (" + streams.state() + ")");
        }
        try {
            ReadOnlyKeyValueStore<String, StoredStatus> statuses = statusStore();
            ReadOnlyKeyValueStore<String, String> index = indexStore();
            String from = after == null ? KeyIndex.first(keyName) : KeyIndex.after(after);
            List<StoredStatus> jobs = new ArrayList<>();
            int scanned = 0;
            try (KeyValueIterator<String, String> entries = index.range(from, KeyIndex.last(keyName))) {
                while (entries.hasNext()) {
                    var entry = entries.next();
                    StoredStatus job = statuses.get(entry.value);
                    if (job != null && job.isOwnedBy(keyName) && (state == null || job.state() == state)) {
                        jobs.add(job);
                    }
                    scanned++;
                    if (jobs.size() == limit || scanned == LONGEST_SCAN) {
                        return new JobPage(jobs, entries.hasNext() ? entry.key : null);
                    }
                }
            }
            return new JobPage(jobs, null);
        } catch (InvalidStateStoreException | IllegalStateException e) {
            throw new StatusUnavailableException("job status is not available (" + streams.state() + ")", e);
        }
    }

    private ReadOnlyKeyValueStore<String, StoredStatus> statusStore() {
        ReadOnlyKeyValueStore<String, StoredStatus> store = statusStore;
        if (store == null) {
            store = globalStore(StatusTopology.STATUS_STORE);
            statusStore = store;
        }
        return store;
    }

    private ReadOnlyKeyValueStore<String, String> indexStore() {
        ReadOnlyKeyValueStore<String, String> store = indexStore;
        if (store == null) {
            store = globalStore(StatusTopology.BY_KEY_STORE);
            indexStore = store;
        }
        return store;
    }

    private <V> ReadOnlyKeyValueStore<String, V> globalStore(String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
    }

    /** Whether {@code cursor}, a page's {@link JobPage#nextCursor()}, is one of {@code keyName}'s. */
    public static boolean isCursorOf(String cursor, String keyName) {
        return KeyIndex.belongsTo(cursor, keyName);
    }

    /**
     * How many jobs are in {@code state} by this replica's count ({@link StatusCounts}): exact for the states whose
     * counts this replica keeps, 0 for the others, so the cluster's figure is the sum over the replicas. Reads one
     * entry; it does not walk the jobs.
     *
     * @throws StatusUnavailableException while the counts cannot be read (starting, rebalancing, stopped)
     */
    public long count(JobStatus.Status state) throws StatusUnavailableException {
        if (!caughtUp) {
            throw new StatusUnavailableException("job counts are not available yet (" + streams.state() + ")");
        }
        try {
            ReadOnlyKeyValueStore<String, Long> counts = streams.store(
                    StoreQueryParameters.fromNameAndType(StatusCounts.STORE, QueryableStoreTypes.keyValueStore()));
            Long count = counts.get(state.wireName());
            return count == null ? 0 : count;
        } catch (InvalidStateStoreException | IllegalStateException e) {
            throw new StatusUnavailableException("job counts are not available (" + streams.state() + ")", e);
        }
    }

    /**
     * Stops folding and answering, leaving the Streams group at once: a member that stays until its session times out
     * (45 s) would hold its partitions' folding that long from the replica taking over, or from this one restarted.
     */
    @Override
    public void close() {
        starter.interrupt();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(CLOSE_TIMEOUT));
    }
}
